import UnderstudyHTTP

// libFuzzer entry point. Only declarations live here, so a plain `swift build` still links
// this product; the oracle is `RequestParser.checkSplitAgreement` (whole vs split feeds).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    if let disagreement = RequestParser.checkSplitAgreement(input) {
        fatalError("split parsing disagrees: \(disagreement)")
    }
    return 0
}
