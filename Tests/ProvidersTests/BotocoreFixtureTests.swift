import Foundation
import Testing
@testable import Providers

/// The presigned GetCallerIdentity URL, EKS token and DescribeCluster signature for fixed credentials and time,
/// computed independently by botocore 1.43.11 (what `aws eks get-token` uses) with this script:
///
/// ```python
/// import base64, datetime; from unittest import mock
/// import botocore.auth, botocore.credentials; from botocore.awsrequest import AWSRequest
/// fixed = datetime.datetime(2026, 11, 30, 12, 0, 0)
/// class FixedDT(datetime.datetime):
///     @classmethod
///     def utcnow(cls): return fixed
///     @classmethod
///     def now(cls, tz=None): return fixed.replace(tzinfo=tz) if tz else fixed
/// def token(session):
///     creds = botocore.credentials.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", session)
///     req = AWSRequest(method="GET", url="https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
///                      headers={"x-k8s-aws-id": "prod-cluster"})
///     with mock.patch("botocore.auth.datetime.datetime", FixedDT):
///         botocore.auth.SigV4QueryAuth(creds, "sts", "eu-west-1", expires=60).add_auth(req)
///     url = req.prepare().url
///     print(url); print("k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("="))
/// token("session-token/with+chars="); token(None)
/// creds = botocore.credentials.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token/with+chars=")
/// req = AWSRequest(method="GET", url="https://eks.eu-west-1.amazonaws.com/clusters/prod-cluster", headers={})
/// with mock.patch("botocore.auth.datetime.datetime", FixedDT):
///     botocore.auth.SigV4Auth(creds, "eks", "eu-west-1").add_auth(req)
/// print(dict(req.headers))
/// ```
@Suite struct BotocoreFixtureTests {
    static let date = Date(timeIntervalSince1970: 1_796_040_000)  // 2026-11-30T12:00:00Z
    static let temporary = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "session-token/with+chars=")

    static let presignedWithSessionToken =
        "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261130%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=20261130T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token=session-token%2Fwith%2Bchars%3D&X-Amz-Signature=1b150efe2283531d79c777e54c5b5b579d58729ab08cd860ca11f93414ddc5cf"
    static let tokenWithSessionToken =
        "k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lERVhBTVBMRSUyRjIwMjYxMTMwJTJGZXUtd2VzdC0xJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjExMzBUMTIwMDAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TZWN1cml0eS1Ub2tlbj1zZXNzaW9uLXRva2VuJTJGd2l0aCUyQmNoYXJzJTNEJlgtQW16LVNpZ25hdHVyZT0xYjE1MGVmZTIyODM1MzFkNzljNzc3ZTU0YzViNWI1NzlkNTg3MjlhYjA4Y2Q4NjBjYTExZjkzNDE0ZGRjNWNm"
    static let presignedWithoutSessionToken =
        "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261130%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=20261130T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=9a859c77fb6c55ccc2bf5308a50f228fd6dc70be1be0b8b1bf3380f88bd919cb"
    static let describeClusterAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/eu-west-1/eks/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=8e62f0648c04d1066d039713e7fb8eb2f7b25fed5decdfc73b2a42126db27f50"

    static func presign(_ credentials: AWSCredentials) throws -> String {
        EKSToken.presignedURL(
            clusterName: "prod-cluster",
            sts: try AWSEndpoint(AWSEndpoint.regional(service: "sts", region: "eu-west-1"), flag: "-sts-endpoint"),
            region: "eu-west-1", credentials: credentials, date: date)
    }

    @Test func presignedGetCallerIdentityMatchesBotocore() throws {
        #expect(try Self.presign(Self.temporary) == Self.presignedWithSessionToken)
        var longTerm = Self.temporary
        longTerm.sessionToken = nil
        #expect(try Self.presign(longTerm) == Self.presignedWithoutSessionToken)
    }

    @Test func tokenMatchesAwsEksGetToken() throws {
        let token = EKSToken.token(presignedURL: try Self.presign(Self.temporary))
        #expect(token == Self.tokenWithSessionToken)
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"))
    }

    @Test func describeClusterSignatureMatchesBotocore() throws {
        let endpoint = try AWSEndpoint("https://eks.eu-west-1.amazonaws.com", flag: "-eks-api-endpoint")
        let request = endpoint.request(method: "GET", path: "/clusters/prod-cluster")
        let signed = SigV4Signer(region: "eu-west-1", service: "eks").sign(request, credentials: Self.temporary, date: Self.date)
        #expect(signed.headers.first { $0.name == "Authorization" }?.value == Self.describeClusterAuthorization)
        #expect(endpoint.url(path: "/clusters/prod-cluster") == "https://eks.eu-west-1.amazonaws.com/clusters/prod-cluster")
    }
}
