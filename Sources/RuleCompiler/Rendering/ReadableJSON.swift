import Foundation

/// JSON for people and tools to read (the schema, SARIF, `eval --format json`,
/// `/admin/rules`): indented, keys sorted so that output is stable, slashes left alone.
/// The request path writes its JSON by hand (`JSONWriter`, `JSONText`); everything else
/// goes through here.
public enum ReadableJSON {
    /// `object` (of `JSONSerialization`'s types), and a final newline.
    public static func string(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
        return String(decoding: data ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }
}
