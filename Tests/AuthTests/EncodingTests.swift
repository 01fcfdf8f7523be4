import Testing

@testable import JobCrypto

/// Base64, constant-time comparison, and the client-side signature.
@Suite struct EncodingTests {
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func base64RoundTripsAllBytes() {
        let bytes = (0...255).map { UInt8($0) }
        for length in 0...bytes.count where length % 37 == 0 || length < 5 {
            let slice = Array(bytes.prefix(length))
            #expect(Base64.decode(Base64.encode(slice)) == slice)
        }
    }

    @Test(arguments: ["Zg", "Zg=", "Z===", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm-v", "Zm_v", "Zm9v=", "=Zm9", "Zg=a"])
    func base64RejectsMalformed(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "ABC"))
    }

    /// Checked against Python: hashlib.md5(b"topsecret@1700000000").hexdigest().
    @Test func signatureMatchesPython() {
        #expect(AuthSignature.digest(secret: "topsecret", timestamp: "1700000000") == "9077c83d6649163a3d5b586884916519")
        #expect(AuthSignature.digest(secret: "topsecret", timestamp: "1700000000.0") == "92ba5e1dd2dcffd07db4dc3e5839d522")
        #expect(
            AuthSignature.header(user: "alice", secret: "topsecret", timestamp: 1_700_000_000)
                == "Basic YWxpY2U6OTA3N2M4M2Q2NjQ5MTYzYTNkNWI1ODY4ODQ5MTY1MTk=")
    }
}
