#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a config file with POSIX calls, so a failure reports errno's text (`No such file or directory`).
enum ConfigFile {
    /// Config files are small; anything larger is surely the wrong file.
    static let maximumBytes = 4 << 20

    static func contents(of path: String) throws(ConfigError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw cannotRead(path, errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw cannotRead(path, errno)
            }
            bytes += buffer[..<count]
            guard bytes.count <= maximumBytes else {
                throw ConfigError(source: path, key: "(file)", reason: "cannot read: larger than \(ByteSize(bytes: maximumBytes))")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(source: path, key: "(file)", reason: "cannot read: not UTF-8 text")
        }
        return text
    }

    private static func cannotRead(_ path: String, _ code: Int32) -> ConfigError {
        ConfigError(source: path, key: "(file)", reason: "cannot read: \(String(cString: strerror(code)))")
    }
}
