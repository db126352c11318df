import ConnectProtocol
import Foundation
import FuzzSupport

/// Arbitrary bytes as a request: the first line is the `exotel-version` header, the rest
/// the query string. Every standard rule set decides it with the table and the reference
/// evaluator, which must agree byte for byte, and every 200 body must be valid.
func fuzzRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // The server refuses URIs over 4 KB before parsing.
    guard let data, size <= 4096 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let header: String?, query: Substring
    if let newline = text.firstIndex(of: "\n") {
        header = String(text[..<newline])
        query = text[text.index(after: newline)...]
    } else {
        header = nil
        query = text[...]
    }
    for compiled in FuzzInvariants.standard {
        FuzzInvariants.check(compiled, query: query, versionHeader: header, now: 1_795_000_000)
    }
    return 0
}

FuzzDriver.run { data, size in fuzzRequest(data, size) }
