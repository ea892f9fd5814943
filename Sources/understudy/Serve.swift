import ArgumentParser
import Logging
import UnderstudyCore

/// `understudy serve`: flags → config → `ServeRunner`.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the data plane and the admin plane.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.loadConfig()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: config.log.level.rawValue) ?? .info
            return handler
        }
        ServeRunner.run(config: config, logger: Logger(label: "understudy"))
    }
}
