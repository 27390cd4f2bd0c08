import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        do { try writeNew(bytes, to: path) } catch { throw Failure.exists(path) }
        return key
    }

    /// Writes a new file of mode 0600 (from its creation: never readable by others, even for a
    /// moment), refusing anything already at `path`, a link included: it is never followed.
    public static func writeNew(_ bytes: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure.unreadable(path) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw Failure.unreadable(path) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw Failure.unreadable(path) }
                offset += written
            }
        }
        guard fsync(fd) == 0 else { throw Failure.unreadable(path) }
    }

    /// Replaces what is at `path` with a file of mode 0600: written new beside it, then renamed
    /// over it, so that a link at `path` is replaced, never followed (a restored key cannot
    /// reach another file).
    public static func replace(_ bytes: Data, at path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".kalan-key-\(UUID().uuidString.prefix(12))").path
        do {
            try writeNew(bytes, to: temporary)
            guard rename(temporary, path) == 0 else { throw Failure.unreadable(path) }
        } catch {
            unlink(temporary)
            throw error
        }
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
