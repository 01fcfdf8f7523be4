import JobCrypto
import Testing

@testable import JobCrypto

@Suite struct AESGCMTests {
    let key = (0..<32).map { UInt8($0) }
    let aad = Array("jobserver.users:alice".utf8)

    @Test func roundTrip() throws {
        for length in [0, 1, 15, 16, 17, 64, 1000] {
            let plain = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let box = try AESGCM.seal(plain, key: key, authenticating: aad)
            #expect(box.count == length + 28)
            #expect(try AESGCM.open(box, key: key, authenticating: aad) == plain)
        }
    }

    @Test func freshNonceEverySeal() throws {
        let plain = Array("same".utf8)
        let a = try AESGCM.seal(plain, key: key, authenticating: aad)
        let b = try AESGCM.seal(plain, key: key, authenticating: aad)
        #expect(a != b)
        #expect(a[0..<12] != b[0..<12])
    }

    /// NIST GCM test cases 13 and 14 (AES-256, zero key and IV).
    @Test func knownAnswers() throws {
        let zeroKey = [UInt8](repeating: 0, count: 32), zeroNonce = [UInt8](repeating: 0, count: 12)
        let empty = try AESGCM.seal([], key: zeroKey, nonce: zeroNonce, authenticating: [])
        #expect(Digest.hex(empty[12...]) == "530f8afbc74536b9a963b4f1c4cb738b")
        let block = try AESGCM.seal(
            [UInt8](repeating: 0, count: 16), key: zeroKey, nonce: zeroNonce, authenticating: [])
        #expect(Digest.hex(block[12...]) == "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919")
    }

    @Test func everyAlteredByteFailsCleanly() throws {
        let box = try AESGCM.seal(Array("top secret".utf8), key: key, authenticating: aad)
        for index in box.indices {
            var altered = box
            altered[index] ^= 0x01
            #expect(throws: AESGCMError.authenticationFailed) {
                try AESGCM.open(altered, key: key, authenticating: aad)
            }
        }
        #expect(throws: AESGCMError.authenticationFailed) {
            try AESGCM.open(Array(box.dropLast()), key: key, authenticating: aad)
        }
    }

    @Test func wrongAdditionalDataOrKeyFails() throws {
        let box = try AESGCM.seal(Array("top secret".utf8), key: key, authenticating: aad)
        #expect(throws: AESGCMError.authenticationFailed) {
            try AESGCM.open(box, key: key, authenticating: Array("jobserver.users:mallory".utf8))
        }
        #expect(throws: AESGCMError.authenticationFailed) {
            try AESGCM.open(box, key: key, authenticating: [])
        }
        var otherKey = key
        otherKey[31] ^= 0x80
        #expect(throws: AESGCMError.authenticationFailed) {
            try AESGCM.open(box, key: otherKey, authenticating: aad)
        }
    }

    @Test func badLengthsAreErrors() throws {
        #expect(throws: AESGCMError.invalidKeyLength(16)) {
            try AESGCM.seal([1], key: Array(key.prefix(16)), authenticating: [])
        }
        #expect(throws: AESGCMError.invalidKeyLength(0)) { try AESGCM.open([UInt8](repeating: 0, count: 40), key: [], authenticating: []) }
        #expect(throws: AESGCMError.tooShort(27)) {
            try AESGCM.open([UInt8](repeating: 0, count: 27), key: key, authenticating: [])
        }
        #expect(throws: AESGCMError.authenticationFailed) {
            try AESGCM.open([UInt8](repeating: 0, count: 28), key: key, authenticating: [])
        }
    }

    @Test func errorDescriptionsHoldNoData() {
        let errors: [AESGCMError] = [.authenticationFailed, .tooShort(3), .invalidKeyLength(1), .cryptoFailure("X")]
        for error in errors { #expect(!error.description.contains("secret")) }
    }
}
