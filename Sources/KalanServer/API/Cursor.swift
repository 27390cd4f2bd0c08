import Foundation
import KalanCore

/// Opaque page cursors: the sort key of a page's last line, as base64url JSON.
enum Cursor {
    static func encode(_ key: some Encodable) -> String {
        let data = (try? JSONEncoder().encode(key)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The key, or nil for anything that is not a cursor this server wrote.
    static func decode<Key: Decodable>(_ cursor: String, as: Key.Type) -> Key? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSONDecoder().decode(Key.self, from: data)
    }
}

/// Where a page of the register stopped, and in which order.
struct TraineeCursor: Codable {
    var order: TraineeOrder
    var key: TraineeSortKey
}

/// Where a page of sessions stopped, and in which order.
struct SessionCursor: Codable {
    var order: SessionOrder
    var key: SessionSortKey
}
