/// Base58 with the Bitcoin alphabet, the encoding behind multibase prefix `z`.
public enum Base58BTC {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Reverse lookup: ASCII byte → digit value, 0xFF for bytes outside the alphabet.
    static let digitValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        // Each leading zero byte is written as a leading "1" so that it survives the round trip.
        let leadingZeros = input.prefix { $0 == 0 }.count
        // Base-58 digits, least significant first, built by repeated multiply-and-add.
        var digits: [UInt8] = []
        digits.reserveCapacity(input.count * 138 / 100 + 1)
        for byte in input[leadingZeros...] {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = Array(repeating: alphabet[0], count: leadingZeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// The longest text that `count` bytes encode to: each byte is at most log(256)/log(58) ≈ 1.366
    /// digits (a leading zero byte is one "1").
    public static func maxEncodedLength(bytes count: Int) -> Int { count * 138 / 100 + 1 }

    /// nil when `text` holds a character outside the alphabet, or is longer than `maxBytes` bytes
    /// can encode to: the length is checked first, as decoding takes time that grows with the
    /// square of the length (a pasted 60 KB value would cost half a minute).
    public static func decode(_ text: String, maxBytes: Int) -> [UInt8]? {
        guard text.utf8.count <= maxEncodedLength(bytes: maxBytes) else { return nil }
        let input = Array(text.utf8)
        let leadingOnes = input.prefix { $0 == alphabet[0] }.count
        // Bytes, least significant first.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count * 733 / 1000 + 1)
        for character in input[leadingOnes...] {
            let value = digitValues[Int(character)]
            guard value != 0xFF else { return nil }
            var carry = Int(value)
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        let decoded = Array(repeating: 0, count: leadingOnes) + bytes.reversed()
        return decoded.count <= maxBytes ? decoded : nil
    }
}

/// Multibase strings, restricted to base58btc (`z`), the only base Data Integrity EdDSA allows.
public enum Multibase {
    public static let base58BTCPrefix: Character = "z"

    public static func encodeBase58BTC<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(base58BTCPrefix) + Base58BTC.encode(bytes)
    }

    /// nil unless `text` is `z` followed by valid base58btc of at most `maxBytes` bytes (checked
    /// on the text's length before decoding).
    public static func decodeBase58BTC(_ text: String, maxBytes: Int) -> [UInt8]? {
        guard text.first == base58BTCPrefix else { return nil }
        return Base58BTC.decode(String(text.dropFirst()), maxBytes: maxBytes)
    }
}
