/// JSON as kube-apiserver sends it, trimmed only where noted.
enum ModelFixtures {
    static let service = #"""
        {
          "kind": "Service",
          "apiVersion": "v1",
          "metadata": {
            "name": "web",
            "namespace": "shop",
            "uid": "5b0f2f6e-3c39-4a8e-9d0e-6f1f1c1e2a10",
            "resourceVersion": "48213",
            "creationTimestamp": "2024-03-01T10:00:00Z",
            "labels": {"app": "web"},
            "annotations": {"barrelman.io/mirror": "true"},
            "managedFields": [
              {"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1",
               "time": "2024-03-01T10:00:00Z", "fieldsType": "FieldsV1",
               "fieldsV1": {"f:spec": {"f:ports": {".": {}, "k:{\"port\":80,\"protocol\":\"TCP\"}": {}}}}}
            ]
          },
          "spec": {
            "ports": [
              {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 30080},
              {"name": "https", "port": 443, "targetPort": "https", "nodePort": 30443, "appProtocol": "https"}
            ],
            "selector": {"app": "web"},
            "clusterIP": "10.96.12.34",
            "clusterIPs": ["10.96.12.34"],
            "type": "NodePort",
            "sessionAffinity": "None",
            "externalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "internalTrafficPolicy": "Cluster"
          },
          "status": {"loadBalancer": {}}
        }
        """#

    /// A node as a kubelet on a cloud VM reports it: ~15 KB, 40 images, managedFields, many labels.
    static func node(conditions: String = defaultNodeConditions) -> String {
        var images: [String] = []
        for index in 0..<40 {
            let digest = String(repeating: String(index % 10), count: 64)
            images.append(
                #"{"names":["123456789012.dkr.ecr.eu-west-1.amazonaws.com/team-\#(index)/service-\#(index)@sha256:\#(digest)","#
                    + #""123456789012.dkr.ecr.eu-west-1.amazonaws.com/team-\#(index)/service-\#(index):v1.\#(index).0"],"#
                    + #""sizeBytes":\#(10_000_000 + index * 1_234_567)}"#)
        }
        return #"""
            {
              "kind": "Node",
              "apiVersion": "v1",
              "metadata": {
                "name": "ip-10-0-1-23.eu-west-1.compute.internal",
                "uid": "0b7c3a52-8d8e-4d5f-a8e5-0f4d9a0c7e11",
                "resourceVersion": "987654",
                "creationTimestamp": "2024-02-11T08:15:42Z",
                "labels": {
                  "beta.kubernetes.io/arch": "amd64",
                  "beta.kubernetes.io/instance-type": "m5.xlarge",
                  "beta.kubernetes.io/os": "linux",
                  "failure-domain.beta.kubernetes.io/region": "eu-west-1",
                  "failure-domain.beta.kubernetes.io/zone": "eu-west-1a",
                  "kubernetes.io/arch": "amd64",
                  "kubernetes.io/hostname": "ip-10-0-1-23",
                  "kubernetes.io/os": "linux",
                  "node.kubernetes.io/instance-type": "m5.xlarge",
                  "node.kubernetes.io/exclude-from-external-load-balancers": "",
                  "topology.ebs.csi.aws.com/zone": "eu-west-1a",
                  "topology.kubernetes.io/region": "eu-west-1",
                  "topology.kubernetes.io/zone": "eu-west-1a"
                },
                "annotations": {
                  "alpha.kubernetes.io/provided-node-ip": "10.0.1.23",
                  "csi.volume.kubernetes.io/nodeid": "{\"ebs.csi.aws.com\":\"i-0123456789abcdef0\"}",
                  "node.alpha.kubernetes.io/ttl": "0",
                  "volumes.kubernetes.io/controller-managed-attach-detach": "true"
                },
                "managedFields": [
                  {
                    "manager": "kubelet", "operation": "Update", "apiVersion": "v1",
                    "time": "2024-02-11T08:15:42Z", "fieldsType": "FieldsV1",
                    "fieldsV1": {
                      "f:metadata": {"f:annotations": {".": {}, "f:node.alpha.kubernetes.io/ttl": {}},
                        "f:labels": {".": {}, "f:kubernetes.io/arch": {}, "f:kubernetes.io/hostname": {}}},
                      "f:spec": {"f:providerID": {}}
                    }
                  },
                  {
                    "manager": "kubelet", "operation": "Update", "apiVersion": "v1",
                    "time": "2024-03-01T12:00:00Z", "fieldsType": "FieldsV1", "subresource": "status",
                    "fieldsV1": {
                      "f:status": {"f:conditions": {"k:{\"type\":\"Ready\"}": {".": {}, "f:lastHeartbeatTime": {},
                        "f:lastTransitionTime": {}, "f:message": {}, "f:reason": {}, "f:status": {}, "f:type": {}}},
                        "f:images": {}, "f:nodeInfo": {"f:bootID": {}}}
                    }
                  }
                ]
              },
              "spec": {
                "podCIDR": "100.64.3.0/24",
                "podCIDRs": ["100.64.3.0/24"],
                "providerID": "aws:///eu-west-1a/i-0123456789abcdef0",
                "taints": [
                  {"key": "dedicated", "value": "edge", "effect": "NoSchedule"},
                  {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2024-03-01T11:59:00Z"}
                ]
              },
              "status": {
                "capacity": {"cpu": "4", "ephemeral-storage": "83873772Ki", "memory": "15896560Ki", "pods": "58"},
                "allocatable": {"cpu": "3920m", "ephemeral-storage": "76224326324", "memory": "14879728Ki", "pods": "58"},
                "conditions": \#(conditions),
                "addresses": [
                  {"type": "InternalIP", "address": "10.0.1.23"},
                  {"type": "ExternalIP", "address": "203.0.113.23"},
                  {"type": "InternalDNS", "address": "ip-10-0-1-23.eu-west-1.compute.internal"},
                  {"type": "Hostname", "address": "ip-10-0-1-23.eu-west-1.compute.internal"}
                ],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {
                  "machineID": "ec2a0b1c2d3e4f5a6b7c8d9e0f1a2b3c",
                  "systemUUID": "ec2a0b1c-2d3e-4f5a-6b7c-8d9e0f1a2b3c",
                  "bootID": "3f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                  "kernelVersion": "5.10.210-201.852.amzn2.x86_64",
                  "osImage": "Amazon Linux 2",
                  "containerRuntimeVersion": "containerd://1.7.11",
                  "kubeletVersion": "v1.29.0-eks-5e0fdde",
                  "kubeProxyVersion": "v1.29.0-eks-5e0fdde",
                  "operatingSystem": "linux",
                  "architecture": "amd64"
                },
                "images": [\#(images.joined(separator: ",\n"))],
                "volumesInUse": ["kubernetes.io/csi/ebs.csi.aws.com^vol-0a1b2c3d4e5f60718"],
                "volumesAttached": [{"name": "kubernetes.io/csi/ebs.csi.aws.com^vol-0a1b2c3d4e5f60718", "devicePath": ""}]
              }
            }
            """#
    }

    static let defaultNodeConditions = #"""
        [
          {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": "2024-03-01T12:00:00Z",
           "lastTransitionTime": "2024-02-11T08:15:42Z", "reason": "KubeletHasSufficientMemory",
           "message": "kubelet has sufficient memory available"},
          {"type": "DiskPressure", "status": "False", "lastHeartbeatTime": "2024-03-01T12:00:00Z",
           "lastTransitionTime": "2024-02-11T08:15:42Z", "reason": "KubeletHasNoDiskPressure",
           "message": "kubelet has no disk pressure"},
          {"type": "PIDPressure", "status": "False", "lastHeartbeatTime": "2024-03-01T12:00:00Z",
           "lastTransitionTime": "2024-02-11T08:15:42Z", "reason": "KubeletHasSufficientPID",
           "message": "kubelet has sufficient PID available"},
          {"type": "Ready", "status": "True", "lastHeartbeatTime": "2024-03-01T12:00:00Z",
           "lastTransitionTime": "2024-02-11T08:16:20Z", "reason": "KubeletReady",
           "message": "kubelet is posting ready status"}
        ]
        """#

    static let endpoints = #"""
        {
          "kind": "Endpoints", "apiVersion": "v1",
          "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "48300",
            "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2024-03-01T10:00:05Z"}},
          "subsets": [
            {
              "addresses": [
                {"ip": "100.64.3.17", "nodeName": "node-a",
                 "targetRef": {"kind": "Pod", "namespace": "shop", "name": "web-7d9c-abcde", "uid": "d1e2f3a4-0000-4000-8000-000000000001"}},
                {"ip": "100.64.4.9", "hostname": "web-1", "nodeName": "node-b"}
              ],
              "notReadyAddresses": [{"ip": "100.64.5.2", "nodeName": "node-c"}],
              "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "https", "port": 8443, "protocol": "TCP", "appProtocol": "https"}]
            }
          ]
        }
        """#

    static let endpointSlice = #"""
        {
          "kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
          "metadata": {"name": "web-x7k2p", "generateName": "web-", "namespace": "shop", "resourceVersion": "48301",
            "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": "web"},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": "web", "uid": "5b0f2f6e-3c39-4a8e-9d0e-6f1f1c1e2a10",
              "controller": true, "blockOwnerDeletion": true}]},
          "addressType": "IPv4",
          "endpoints": [
            {"addresses": ["100.64.3.17"], "conditions": {"ready": true, "serving": true, "terminating": false},
             "targetRef": {"kind": "Pod", "namespace": "shop", "name": "web-7d9c-abcde", "uid": "d1e2f3a4-0000-4000-8000-000000000001"},
             "nodeName": "node-a", "zone": "eu-west-1a"},
            {"addresses": ["100.64.5.2"], "conditions": {"ready": false, "serving": true, "terminating": true},
             "nodeName": "node-c", "zone": "eu-west-1b", "hints": {"forZones": [{"name": "eu-west-1b"}]}}
          ],
          "ports": [{"name": "http", "protocol": "TCP", "port": 8080}, {"name": "", "protocol": "UDP", "port": 53}]
        }
        """#

    static let namespace = #"""
        {"kind": "Namespace", "apiVersion": "v1",
         "metadata": {"name": "shop", "uid": "aa11bb22-0000-4000-8000-000000000002", "resourceVersion": "12",
           "labels": {"kubernetes.io/metadata.name": "shop"}, "deletionTimestamp": "2024-03-02T00:00:00Z"},
         "spec": {"finalizers": ["kubernetes"]},
         "status": {"phase": "Terminating",
           "conditions": [{"type": "NamespaceContentRemaining", "status": "True", "reason": "SomeResourcesRemain"}]}}
        """#

    static let lease = #"""
        {"kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
         "metadata": {"name": "barrelman", "namespace": "kube-system", "resourceVersion": "777"},
         "spec": {"holderIdentity": "barrelman-6f7d-xyz", "leaseDurationSeconds": 15,
           "acquireTime": "2024-01-01T00:00:00.000000Z", "renewTime": "2024-01-01T00:05:30.123456Z", "leaseTransitions": 3}}
        """#

    static let event = #"""
        {"kind": "Event", "apiVersion": "v1",
         "metadata": {"name": "web.17b8a3c1d2e3f4a5", "namespace": "shop", "resourceVersion": "900"},
         "involvedObject": {"kind": "Service", "namespace": "shop", "name": "web", "uid": "5b0f2f6e-3c39-4a8e-9d0e-6f1f1c1e2a10",
           "apiVersion": "v1", "resourceVersion": "48213"},
         "reason": "MirrorFailed", "message": "nodePort 30080 is already allocated",
         "source": {"component": "barrelman", "host": "node-a"},
         "firstTimestamp": "2024-03-01T10:00:00Z", "lastTimestamp": "2024-03-01T10:05:00Z", "count": 6,
         "type": "Warning", "eventTime": null, "reportingComponent": "barrelman", "reportingInstance": "barrelman-6f7d-xyz",
         "action": "Mirror"}
        """#

    static let invalidStatus = #"""
        {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
         "message": "Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated",
         "reason": "Invalid",
         "details": {"name": "web", "kind": "Service",
           "causes": [{"reason": "FieldValueInvalid", "message": "Invalid value: 30080: provided port is already allocated",
             "field": "spec.ports[0].nodePort"}]},
         "code": 422}
        """#
}
