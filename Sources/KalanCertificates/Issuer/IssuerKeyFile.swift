import Foundation

/// The issuer's Ed25519 key in a Multikey JSON file readable only by its owner.
public enum IssuerKeyFile {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case invalid(String)
        case exists(String)

        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read the signing key \(path)"
            case .invalid(let path): "\(path) is not a Multikey JSON document with secretKeyMultibase"
            case .exists(let path): "\(path) exists already; refusing to overwrite a signing key"
            }
        }
    }

    /// Writes a new key with mode 0600; refuses to overwrite.
    @discardableResult
    public static func generate(at path: String) throws -> Ed25519SigningKey {
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure.exists(path) }
        let key = Ed25519SigningKey.generate()
        let document = key.multikeyDocument(id: key.didKeyVerificationMethod, controller: key.didKey, includingSecretKey: true)
        let bytes = Data(try document.serialized().utf8)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw Failure.unreadable(path)
        }
        return key
    }

    public static func load(_ path: String) throws -> Ed25519SigningKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure.unreadable(path) }
        guard let document = try? JSONValue(parsing: data), let key = try? Ed25519SigningKey(multikeyDocument: document) else {
            throw Failure.invalid(path)
        }
        return key
    }

    /// The key at `path`, created on first use.
    public static func loadOrCreate(_ path: String) throws -> Ed25519SigningKey {
        FileManager.default.fileExists(atPath: path) ? try load(path) : try generate(at: path)
    }
}
