import Foundation
import KubeAPI
import TestAPIServer
import TestSupport
import Testing
@testable import Providers

/// Every way the eks provider can fail says what is wrong and what to do, in one line without secrets.
@Suite struct EKSErrorTests {
    /// The message of the provider's construction or resolution.
    static func message(
        _ harness: EKSHarness, _ flags: ProviderFlags? = nil, variables: [String: String] = EKSHarness.staticKeys
    ) async -> String? {
        let message = await providerErrorMessage { try await harness.provider(flags, variables: variables).resolve() }
        if let message {
            #expect(!message.contains("\n"))
            #expect(!message.contains(EKSHarness.secretAccessKey))
            #expect(!message.contains("k8s-aws-v1."))
        }
        return message
    }

    @Test func flags() async throws {
        try await EKSHarness.with { harness in
            var flags = harness.flags()
            flags.eksClusterName = nil
            #expect(
                await Self.message(harness, flags)
                    == "the eks provider needs -eks-cluster-name (the name of the remote EKS cluster)")
            flags = harness.flags(clusterName: "no/such name")
            #expect(
                await Self.message(harness, flags)
                    == "-eks-cluster-name no/such name: not an EKS cluster name (letters, digits, - and _, up to 100 characters)")
            flags = harness.flags()
            flags.eksRegion = nil
            #expect(
                await Self.message(harness, flags)
                    == "the eks provider needs -eks-region, or AWS_REGION or AWS_DEFAULT_REGION (the cluster's region, e.g. eu-west-1)")
            #expect(
                await Self.message(harness, flags, variables: EKSHarness.staticKeys.merging(["AWS_DEFAULT_REGION": "eu west"]) { $1 })
                    == "AWS_DEFAULT_REGION eu west: not an AWS region (e.g. eu-west-1)")
            flags = harness.flags()
            flags.eksAPIEndpoint = "http://eks.example.com"
            #expect(
                await Self.message(harness, flags)
                    == "-eks-api-endpoint http://eks.example.com: plain http is allowed only for loopback hosts (use https://)")
            flags = harness.flags()
            flags.stsEndpoint = "sts.example.com"
            #expect(
                await Self.message(harness, flags)
                    == "-sts-endpoint sts.example.com: not an http(s) URL (expected https://host[:port][/path])")
            #expect(
                await Self.message(harness, harness.flags(roleARN: "barrelman-role"))
                    == "-eks-role-arn barrelman-role: not a role ARN (expected arn:aws:iam::ACCOUNT:role/NAME)")
        }
    }

    @Test func noCredentialsFoundListsEverySourceTried() async throws {
        try await EKSHarness.with { harness in
            let home = harness.aws.temporaryDirectory
            #expect(
                await Self.message(harness, variables: [:])
                    == "no AWS credentials found (tried environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; "
                    + "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN); profile \"default\" in "
                    + "\(home)/.aws/credentials and \(home)/.aws/config; EKS Pod Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI)): "
                    + "set one of them, e.g. IRSA or an EKS Pod Identity association for barrelman's service account")
        }
    }

    @Test func halfConfiguredSources() async throws {
        try await EKSHarness.with { harness in
            #expect(
                await Self.message(harness, variables: ["AWS_ACCESS_KEY_ID": EKSHarness.accessKeyID])
                    == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither")
            #expect(
                await Self.message(harness, variables: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"])
                    == "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the role to assume "
                    + "(the eks.amazonaws.com/role-arn annotation on the service account sets both)")
            let missing = harness.aws.temporaryDirectory + "/missing-token"
            #expect(
                await Self.message(
                    harness, variables: ["AWS_WEB_IDENTITY_TOKEN_FILE": missing, "AWS_ROLE_ARN": EKSHarness.roleARN("r")])
                    == "AWS_WEB_IDENTITY_TOKEN_FILE \(missing): cannot be read (is the projected service-account token volume mounted?)")
        }
    }

    @Test func sharedFileProblems() async throws {
        try await EKSHarness.with { harness in
            let credentials = try harness.aws.writeFile("credentials", "[default]\naws_access_key_id = A\n")
            let config = try harness.aws.writeFile("config", "[profile ops]\nrole_arn = arn:aws:iam::1:role/r\n")
            let files = ["AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_CONFIG_FILE": config]
            #expect(
                await Self.message(harness, variables: files.merging(["AWS_PROFILE": "prod"]) { $1 })
                    == "AWS_PROFILE prod: no [prod] in \(credentials) and no [profile prod] in \(config) "
                    + "(fix AWS_PROFILE or add the profile)")
            #expect(
                await Self.message(harness, variables: files)
                    == "AWS profile \"default\" (\(credentials), \(config)): has only one of aws_access_key_id and "
                    + "aws_secret_access_key (set both)")
            #expect(
                await Self.message(harness, variables: files.merging(["AWS_PROFILE": "ops"]) { $1 })
                    == "AWS profile \"ops\" (\(credentials), \(config)): role_arn needs source_profile "
                    + "(credential_source and web_identity_token_file in profiles are not supported; use "
                    + "AWS_WEB_IDENTITY_TOKEN_FILE for web identity)")
            let broken = try harness.aws.writeFile("broken", "[default]\naws_access_key_id A\n")
            #expect(
                await Self.message(harness, variables: ["AWS_SHARED_CREDENTIALS_FILE": broken])
                    == "AWS shared file \(broken): line 2: expected key = value (fix the file, or point AWS_CONFIG_FILE "
                    + "or AWS_SHARED_CREDENTIALS_FILE elsewhere)")
        }
    }

    @Test func webIdentityRefusedByTheRolesTrustPolicy() async throws {
        try await EKSHarness.with { harness in
            let role = EKSHarness.roleARN("barrelman-irsa")
            let tokenFile = try harness.aws.writeFile("irsa", "unknown-token")
            #expect(
                await Self.message(harness, variables: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": role])
                    == "STS AssumeRoleWithWebIdentity of \(role) with the token in \(tokenFile) was refused (HTTP 403: "
                    + "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity); check the role's trust "
                    + "policy allows this cluster's OIDC provider and service account (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)")
        }
    }

    @Test func assumeRoleRefused() async throws {
        try await EKSHarness.with { harness in
            let role = EKSHarness.roleARN("barrelman-reader")
            #expect(
                await Self.message(harness, harness.flags(roleARN: role))
                    == "STS AssumeRole of \(role) with the credentials from environment variables "
                    + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY was refused (HTTP 403: AccessDenied: User: "
                    + "\(harness.userARN) is not authorized to perform: sts:AssumeRole on resource: \(role)); the caller "
                    + "needs sts:AssumeRole on the role and the role's trust policy must allow the caller")
        }
    }

    @Test func podIdentityAgentRefusesTheToken() async throws {
        try await EKSHarness.with { harness in
            let tokenFile = try harness.aws.writeFile("pod-token", "stale-token")
            #expect(
                await Self.message(
                    harness,
                    variables: [
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI": harness.aws.podIdentityURL,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
                    ])
                    == "EKS Pod Identity agent \(harness.aws.podIdentityURL) answered HTTP 401: AccessDeniedException: "
                    + "Service account token cannot be empty or is invalid (check the pod identity association of "
                    + "barrelman's service account)")
            #expect(
                await Self.message(harness, variables: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.0.0.1/creds"])
                    == "AWS_CONTAINER_CREDENTIALS_FULL_URI http://10.0.0.1/creds: plain http is allowed only for loopback hosts (use https://)")
        }
    }

    @Test func accessDeniedOnDescribeClusterNamesThePermissionAndTheCaller() async throws {
        try await EKSHarness.with { harness in
            harness.aws.eksAPI.deny(callerARN: harness.userARN)
            let resource = "arn:aws:eks:eu-west-1:111122223333:cluster/remote"
            #expect(
                await Self.message(harness)
                    == "EKS DescribeCluster of \"remote\" in eu-west-1 denied for \(harness.userARN) (AccessDeniedException: "
                    + "User: \(harness.userARN) is not authorized to perform: eks:DescribeCluster on resource: \(resource)): "
                    + "grant it eks:DescribeCluster on arn:aws:eks:eu-west-1:ACCOUNT:cluster/remote")
        }
    }

    @Test func unknownClusterNamesClusterAndRegion() async throws {
        try await EKSHarness.with { harness in
            #expect(
                await Self.message(harness, harness.flags(clusterName: "missing"))
                    == "EKS cluster \"missing\" not found in region eu-west-1 (ResourceNotFoundException: No cluster found "
                    + "for name: missing.): check -eks-cluster-name and -eks-region (aws eks list-clusters --region eu-west-1)")
        }
    }

    @Test func clusterNotActive() async throws {
        try await EKSHarness.with { harness in
            harness.aws.eksAPI.setStatus("CREATING", of: EKSHarness.clusterName)
            #expect(
                await Self.message(harness)
                    == "EKS cluster \"remote\" in eu-west-1 is CREATING, not ACTIVE: wait until it is "
                    + "(aws eks wait cluster-active --name remote --region eu-west-1)")
        }
    }

    @Test func unknownAccessKeyIsRejectedByTheEKSAPI() async throws {
        try await EKSHarness.with { harness in
            #expect(
                await Self.message(harness, variables: ["AWS_ACCESS_KEY_ID": "AKIAUNKNOWN", "AWS_SECRET_ACCESS_KEY": "x"])
                    == "EKS API rejected the credentials from environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                    + "(UnrecognizedClientException: The security token included in the request is invalid.): check the "
                    + "access key and that temporary credentials have not expired")
        }
    }

    @Test func unmappedPrincipalGetsA401NamingAwsAuthAndAccessEntries() async throws {
        try await EKSHarness.with { harness in
            let role = EKSHarness.roleARN("barrelman-unmapped")
            harness.aws.sts.trust(roleARN: role, caller: harness.userARN)
            let message = await Self.message(harness, harness.flags(roleARN: role))
            let server = "https://127.0.0.1:\(harness.server.port)"
            #expect(message?.hasPrefix("EKS cluster \"remote\" (\(server)) refused the token of arn:aws:sts::111122223333:assumed-role/barrelman-unmapped/barrelman-") == true)
            #expect(
                message?.hasSuffix(
                    " with 401: the IAM principal is not mapped to a Kubernetes user; map \(role) in the aws-auth ConfigMap "
                        + "(kube-system) or create an EKS access entry (aws eks create-access-entry --cluster-name remote "
                        + "--principal-arn \(role)), with read access to nodes, services and endpointslices") == true,
                "\(message ?? "")")
        }
    }

    @Test func assumedRoleSessionsMapAsTheirRole() {
        #expect(
            EKSProvider.principalARN("arn:aws:sts::111122223333:assumed-role/barrelman/session-1")
                == "arn:aws:iam::111122223333:role/barrelman")
        #expect(EKSProvider.principalARN("arn:aws:iam::111122223333:user/ci") == "arn:aws:iam::111122223333:user/ci")
        #expect(
            EKSProvider.principalARN("arn:aws-cn:sts::111122223333:assumed-role/r/s") == "arn:aws-cn:iam::111122223333:role/r")
    }
}
