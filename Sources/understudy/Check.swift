import ArgumentParser
import UnderstudyCore

/// `understudy check CONFIG`: validate a config file and print the effective settings.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate a config file and print the effective settings.")

    @Argument(help: "The YAML config file to check.") var file: String

    func run() throws {
        print(try ConfigOptions.loadConfig(file: file).renderYAML(), terminator: "")
    }
}
