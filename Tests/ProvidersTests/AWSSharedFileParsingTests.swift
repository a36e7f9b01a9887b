import Foundation
import Testing
@testable import Providers

/// The strict INI parser of `~/.aws/credentials` and `~/.aws/config`, and the STS XML extraction.
@Suite struct AWSSharedFileParsingTests {
    @Test func sectionsKeysCommentsAndNestedSettings() throws {
        let file = try INIFile(
            parsing: "# comment\n; another\n[default]\r\nAWS_Access_Key_ID = AKID\nregion: eu-west-1\n\n"
                + "[profile ops]\ns3 =\n  max_concurrent_requests = 20\nrole_arn=arn:aws:iam::1:role/r\n")
        #expect(file.section("default") == ["aws_access_key_id": "AKID", "region": "eu-west-1"])
        #expect(file.section("profile ops") == ["s3": "", "role_arn": "arn:aws:iam::1:role/r"])
        #expect(file.section("missing") == nil)
    }

    @Test(
        arguments: [
            ("key = value\n", "line 1: key is set before any [section]"),
            ("[default\n", "line 1: a section header must be [name]"),
            ("[a]\nx = 1\n[a]\n", "line 3: section [a] appears twice"),
            ("[a]\n  indented = 1\n", "line 2: indented line outside a nested setting"),
            ("[a]\njust words\n", "line 2: expected key = value"),
            ("[a]\n= value\n", "line 2: a setting without a key"),
        ])
    func malformedLinesAreNamed(text: String, expected: String) {
        #expect(throws: INIFile.ParseError.self) { try INIFile(parsing: text) }
        do {
            _ = try INIFile(parsing: text)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func stsElementsAreFoundAndDecoded() {
        let body = Array(
            "<R><Credentials><AccessKeyId>ASIA1</AccessKeyId><SessionToken>a&amp;b&#47;c&#x2B;</SessionToken></Credentials></R>".utf8)
        #expect(STSResponseXML.element("AccessKeyId", in: body) == "ASIA1")
        #expect(STSResponseXML.element("SessionToken", in: body) == "a&b/c+")
        #expect(STSResponseXML.element("Expiration", in: body) == nil)
        #expect(
            STSResponseXML.errorSummary(Array("<ErrorResponse><Error><Code>AccessDenied</Code><Message>no &lt;way&gt;</Message></Error></ErrorResponse>".utf8))
                == "AccessDenied: no <way>")
    }

    @Test func credentialsAreRefreshedBeforeTheyExpire() {
        let fetched = Date(timeIntervalSince1970: 0)
        #expect(AWSCredentialCache.refreshTime(expiration: fetched.addingTimeInterval(3600), fetchedAt: fetched)
            == fetched.addingTimeInterval(3300))
        #expect(AWSCredentialCache.refreshTime(expiration: fetched.addingTimeInterval(4), fetchedAt: fetched)
            == fetched.addingTimeInterval(2))
        #expect(EKSToken.refreshTime(madeAt: fetched, lifetime: .seconds(900), credentialsRefresh: nil)
            == fetched.addingTimeInterval(600))
        #expect(EKSToken.refreshTime(madeAt: fetched, lifetime: .seconds(900), credentialsRefresh: fetched.addingTimeInterval(60))
            == fetched.addingTimeInterval(60))
    }
}
