import Crypto
import Foundation
import KalanCertificates
import Testing

@Suite struct MultibaseAndKeyTests {
    @Test(
        arguments: [
            (Array("Hello World!".utf8), "2NEpo7TZRRrLZSi2U"),
            (
                Array("The quick brown fox jumps over the lazy dog.".utf8),
                "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"
            ),
            ([0x00, 0x00, 0x28, 0x7F, 0xB4, 0xCD], "11233QC4"),
            ([], ""), ([0x00], "1"),
        ] as [([UInt8], String)])
    func base58BTCMatchesKnownEncodings(bytes: [UInt8], text: String) {
        #expect(Base58BTC.encode(bytes) == text)
        #expect(Base58BTC.decode(text, maxBytes: 1024) == bytes)
    }

    @Test func base58BTCRoundTripsRandomBytesWithLeadingZeros() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<80 {
            let bytes = [0, 0] + (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base58BTC.decode(Base58BTC.encode(bytes), maxBytes: bytes.count) == bytes)
        }
    }

    @Test(arguments: ["0", "O", "I", "l", "abc+", "é"])
    func base58BTCRejectsCharactersOutsideTheAlphabet(text: String) {
        #expect(Base58BTC.decode(text, maxBytes: 1024) == nil)
    }

    /// Decoding takes time that grows with the square of the length: a text longer than the
    /// bytes wanted can encode to is refused on its length, before any decoding.
    @Test func base58BTCRefusesTextLongerThanTheBytesWantedBeforeDecoding() {
        let signature = [UInt8](repeating: 0xFF, count: 64)
        #expect(Base58BTC.decode(Base58BTC.encode(signature), maxBytes: 64) == signature)
        #expect(Base58BTC.decode(Base58BTC.encode(signature + [0xFF]), maxBytes: 64) == nil)
        #expect(Base58BTC.decode(String(repeating: "z", count: 60_000), maxBytes: 64) == nil)
        #expect(Multibase.decodeBase58BTC("z" + String(repeating: "2", count: 60_000), maxBytes: 64) == nil)
        #expect(Base58BTC.maxEncodedLength(bytes: 64) >= Base58BTC.encode(signature).utf8.count)
    }

    @Test func multibaseRequiresTheZPrefix() {
        #expect(Multibase.encodeBase58BTC([1, 2, 3]) == "zLdp")
        #expect(Multibase.decodeBase58BTC("zLdp", maxBytes: 34) == [1, 2, 3])
        #expect(Multibase.decodeBase58BTC("Ldp", maxBytes: 34) == nil)
        #expect(Multibase.decodeBase58BTC("mAQID", maxBytes: 34) == nil)
    }

    @Test func secretKeyMultibaseOfTheW3CVectorGivesItsPublicKeyMultibase() throws {
        let pair = try ConformanceData.json("eddsa-jcs-2022/keyPair.json")
        let secret = try #require(pair["privateKeyMultibase"]?.stringValue)
        let key = try Ed25519SigningKey(secretKeyMultibase: secret)
        #expect(key.publicKeyMultibase == pair["publicKeyMultibase"]?.stringValue)
        #expect(key.secretKeyMultibase == secret)
        #expect(key.publicKeyMultibase.hasPrefix("z6Mk"))
    }

    @Test func publicKeyMultibaseIsHeaderEd01PlusTheRawKey() throws {
        let key = Ed25519SigningKey.generate()
        let decoded = try #require(Multibase.decodeBase58BTC(key.publicKeyMultibase, maxBytes: 34))
        #expect(decoded.count == 34)
        #expect(Array(decoded.prefix(2)) == [0xED, 0x01])
        #expect(Array(decoded.dropFirst(2)) == Array(key.publicKey.rawRepresentation))
        let secret = try #require(Multibase.decodeBase58BTC(key.secretKeyMultibase, maxBytes: 34))
        #expect(Array(secret.prefix(2)) == [0x80, 0x26])
        #expect(Array(secret.dropFirst(2)) == Array(key.privateKey.rawRepresentation))
    }

    @Test func multikeyRejectsWrongHeadersAndLengths() {
        let key = Ed25519SigningKey.generate()
        #expect(throws: MultikeyError.wrongHeader) { try Ed25519SigningKey(secretKeyMultibase: key.publicKeyMultibase) }
        #expect(throws: MultikeyError.wrongHeader) { try Multikey.publicKey(fromMultibase: key.secretKeyMultibase) }
        let short = Multibase.encodeBase58BTC([0xED, 0x01] + [UInt8](repeating: 7, count: 31))
        #expect(throws: MultikeyError.wrongLength) { try Multikey.publicKey(fromMultibase: short) }
        #expect(throws: MultikeyError.notBase58BTCMultibase) { try Multikey.publicKey(fromMultibase: "u7QE") }
    }

    @Test func multikeyDocumentRoundTripsAndHidesTheSecretUnlessAsked() throws {
        let key = Ed25519SigningKey.generate()
        let controller = "https://kalan.example/issuers/ministry"
        let stored = key.multikeyDocument(id: controller + "#key-1", controller: controller, includingSecretKey: true)
        #expect(stored["type"] == "Multikey")
        #expect(stored["controller"]?.stringValue == controller)
        #expect(try Ed25519SigningKey(multikeyDocument: stored).secretKeyMultibase == key.secretKeyMultibase)
        let published = key.multikeyDocument(id: controller + "#key-1", controller: controller, includingSecretKey: false)
        #expect(published["secretKeyMultibase"] == nil)
        #expect(try Multikey.publicKey(fromDocument: published).rawRepresentation == key.publicKey.rawRepresentation)
        #expect(throws: MultikeyError.missingSecretKey) { try Ed25519SigningKey(multikeyDocument: published) }
        var mismatched = stored
        mismatched["publicKeyMultibase"] = .string(Ed25519SigningKey.generate().publicKeyMultibase)
        #expect(throws: MultikeyError.publicKeyDoesNotMatchSecretKey) { try Ed25519SigningKey(multikeyDocument: mismatched) }
    }

    @Test func didKeyResolvesOfflineWithOrWithoutItsFragment() throws {
        let key = Ed25519SigningKey.generate()
        #expect(key.didKey == "did:key:" + key.publicKeyMultibase)
        #expect(key.didKeyVerificationMethod == key.didKey + "#" + key.publicKeyMultibase)
        for identifier in [key.didKey, key.didKeyVerificationMethod] {
            let resolved = try #require(DIDKey.publicKey(resolving: identifier))
            #expect(resolved.rawRepresentation == key.publicKey.rawRepresentation)
        }
    }

    @Test func didKeyRefusesOtherMethodsAndForeignFragments() {
        let key = Ed25519SigningKey.generate()
        let other = Ed25519SigningKey.generate()
        #expect(DIDKey.publicKey(resolving: key.didKey + "#" + other.publicKeyMultibase) == nil)
        #expect(DIDKey.publicKey(resolving: "did:web:kalan.example") == nil)
        #expect(DIDKey.publicKey(resolving: "https://kalan.example/keys/1") == nil)
        #expect(DIDKey.publicKey(resolving: "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169") == nil)
    }
}
