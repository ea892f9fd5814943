import Foundation
import UnderstudyHTTP
#if canImport(Glibc)
import Glibc
#endif

/// The dashboard's files (`Public/`), served by the admin plane without a token: content
/// types by extension, `ETag` and `Last-Modified` with `If-None-Match`/`If-Modified-Since`
/// (304), `Cache-Control: no-cache` (a browser revalidates, so a new version shows at once).
/// Nothing outside the folder is reachable: a `.` or `..` segment (also percent-encoded), a
/// hidden file, or a symlink resolving outside the folder is a 404.
struct StaticFiles: Sendable {
    /// The folder, symlinks resolved.
    let root: String
    /// What a path ending in `/` names: `index.html` (`serve`), `gateway.html` (the gateway).
    var index = "index.html"

    /// Files larger than this are not served (the dashboard's are a few KiB).
    static let maxFileBytes = 16 << 20

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "mjs": "text/javascript; charset=utf-8",
        "json": "application/json", "map": "application/json", "svg": "image/svg+xml", "png": "image/png",
        "ico": "image/x-icon", "txt": "text/plain; charset=utf-8", "woff2": "font/woff2",
    ]

    /// nil unless `folder` is a readable directory.
    init?(folder: String) {
        guard let resolved = Self.realPath(folder), Self.isDirectory(resolved), access(resolved, R_OK | X_OK) == 0 else {
            return nil
        }
        root = resolved
    }

    /// The configured folder, else the first of these with the `index` page: `Public/` beside
    /// the binary, `../share/understudy/Public` from it (the Docker image's layout), in the
    /// working directory, in the source tree this was built from.
    static func locate(configured: String?, index: String = "index.html") -> StaticFiles? {
        var files = locateFolder(configured: configured, index: index)
        files?.index = index
        return files
    }

    private static func locateFolder(configured: String?, index: String) -> StaticFiles? {
        if let configured { return StaticFiles(folder: configured) }
        let candidates = candidateFolders(executable: realPath("/proc/self/exe"),
                                          workingDirectory: FileManager.default.currentDirectoryPath,
                                          sourceFile: "\(#filePath)")
        for candidate in candidates where access(candidate + "/" + index, R_OK) == 0 {
            if let files = StaticFiles(folder: candidate) { return files }
        }
        return nil
    }

    /// Where `locate` looks, in order.
    static func candidateFolders(executable: String?, workingDirectory: String, sourceFile: String) -> [String] {
        var candidates: [String] = []
        if let executable {
            let folder = (executable as NSString).deletingLastPathComponent
            candidates += [folder + "/Public", folder + "/../share/understudy/Public"]
        }
        candidates.append(workingDirectory + "/Public")
        // Sources/UnderstudyCore/Admin/StaticFiles.swift → the package root
        var source = sourceFile as NSString
        for _ in 0..<4 { source = source.deletingLastPathComponent as NSString }
        candidates.append((source as String) + "/Public")
        return candidates
    }

    /// The answer for a `GET` or `HEAD` of `request`'s path: the file, a 304, or a 404.
    func response(for request: HTTPRequest) -> HTTPResponse {
        guard let path = filePath(for: request.path) else { return Self.notFound(request.path) }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= Self.maxFileBytes,
              let data = FileManager.default.contents(atPath: path) else {
            return Self.notFound(request.path)
        }
        let modified = Int(info.st_mtim.tv_sec)
        // nginx's form: hex modification time and size
        let etag = "\"\(String(modified, radix: 16))-\(String(data.count, radix: 16))\""
        var headers: HTTPHeaders = [
            "ETag": etag, "Last-Modified": HTTPDate.format(epochSeconds: modified),
            "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
        ]
        switch HTTPBinPreconditions.evaluate(method: request.method, headers: request.headers, etag: etag, modified: modified) {
        case .notModified:
            return HTTPResponse(status: 304, headers: headers, body: [])
        case .preconditionFailed:
            return HTTPResponse(status: 412, headers: headers, body: [])
        case .proceed:
            let type = (path as NSString).pathExtension.lowercased()
            headers.set("Content-Type", Self.contentTypes[type] ?? "application/octet-stream")
            return HTTPResponse(status: 200, headers: headers, body: Array(data))
        }
    }

    /// The file a request path names, or nil when it would leave the folder or names a
    /// hidden file. A path ending in `/` names its `index` page.
    func filePath(for requestPath: Substring) -> String? {
        let decoded = URLEncoding.decode(requestPath)
        guard decoded.hasPrefix("/"), !decoded.contains("\0"), !decoded.contains("\\") else { return nil }
        var segments: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if segment.hasPrefix(".") { return nil }   // `.`, `..` and hidden files alike
            segments.append(segment)
        }
        if decoded.hasSuffix("/") || segments.isEmpty { segments.append(Substring(index)) }
        let joined = root + "/" + segments.joined(separator: "/")
        // Symlinks are followed only while they stay inside the folder.
        guard let resolved = Self.realPath(joined), resolved.hasPrefix(root + "/") else { return nil }
        return resolved
    }

    private static func notFound(_ path: Substring) -> HTTPResponse {
        AdminResponse.error(404, "no file or admin route for \(path)", field: "path")
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
