import ArgumentParser

/// The root command: one binary, one subcommand per role (PRODUCT.md, Roles).
struct Understudy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "understudy",
        abstract: "A stand-in HTTP/1.1 service for rehearsing deployments.",
        version: "0.1.0",
        subcommands: [Serve.self, Gateway.self, Check.self, Probe.self, Load.self],
        defaultSubcommand: Serve.self)
}
