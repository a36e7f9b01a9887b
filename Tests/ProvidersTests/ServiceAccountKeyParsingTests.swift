import Testing
@testable import Providers

@Suite struct ServiceAccountKeyParsingTests {
    /// Found while fuzzing (Fuzz/Corpus/service-account-key/throwaway-encrypted.json): OpenSSL's default
    /// callback asked for the passphrase of an encrypted key on the terminal, or read it from stdin, so
    /// barrelman could wait for input forever at startup. An encrypted key is now refused at once.
    @Test func encryptedPrivateKeyIsRefusedWithoutAskingForAPassphrase() throws {
        let fields = [
            #""type": "service_account""#, #""client_email": "fuzz@example.iam.gserviceaccount.com""#,
            #""private_key_id": "0123""#, #""private_key": "\#(Self.encryptedKey.replacing("\n", with: "\\n"))""#,
        ]
        let json = "{" + fields.joined(separator: ", ") + "}"
        let error = #expect(throws: ProviderError.self) {
            try ServiceAccountKey.parse(Array(json.utf8), origin: "key.json")
        }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("key.json: private_key is not a usable RSA private key in PEM ("), "\(message)")
        #expect(!message.contains("MIIC"))
    }

    /// A throwaway RSA-1024 key encrypted with the passphrase "throwaway"; it signs nothing anywhere.
    static let encryptedKey = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIMvIv/odIRRMCAggA
        MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBDSgSLomsMGFZH53Mfftdf7BIIC
        gLvmx1dOTGLodVPfjLJMBUbvwUmI0aKS1NKRWnS93ubYX9/mbX4xmin5nVUTt94f
        BzUroAAp6pnFhd1uF2TRmuxQpkMOJua8zvA0hZt050QbwUE/QlyXVeZ4y4tbVJME
        flq2lIK3RNvCG52mkDqVYoXLHuRydKKz5RqgYOfLRjYXicYQNEkKZpOqmc6GZ6Cs
        E0MyZU6sQFLWPpkX4nCzpnap1ox8kr/r1kg3Oz+T/5w1+7CBRfE/7VIAA9tNEms/
        90Tsg5QmvpFR+n0fReRrpKN7/7XYaGU79V1Z6/tKPQ1bp1X9dgS/fJ8omFTc9Hhc
        L0CYUGJqsC1jzvNaKtChHcfz0E2h0rUxRjVHjh38yoznrB0NInGrPItFVqj1Z+RV
        oRk7iyVRqgWzBLUPrY0ULkDHD3+4xVWkSy4vC7mHbUyIx1+0SEFInZ4iJIyPJU69
        EBAEe+KqGZQIyetv3rM86CDhrsf/Yt3KVo6AFqobnBQcFGWFzeqJpPSHpU1SFo/e
        x11J6Q1mcx3pW26gBPNDlRWEHjuoNERu/V8+LY+DEpEvlPHZrP9UF5AS1XaLuJJQ
        fbfjhpc2zHZ/KzzbukGHzOfo9eyfDMDYd6Lk+oPgQW83+RwAr4WQK3Kik2EXi5Ia
        c0duRqgilwY7spI2uFV69mQlLfa/YmXqF6eMX+n/KZc60/qpoOoRxwypdz5KvVDK
        6Frfw8smCM8JdIxO88TiWSpfEzStyiWmADaDO/al1CDnyz40DqSxm/pXwvUqPr7F
        7b3K4TaW0IqZK3WIC6FIx8dyBFm8D75Tr+crSlUapDZhKCIajRtKfT8N62n8g3Kw
        mmzYbwGtPkFt701rcm5zfpM=
        -----END ENCRYPTED PRIVATE KEY-----
        """
}
