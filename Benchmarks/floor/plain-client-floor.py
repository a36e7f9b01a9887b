#!/usr/bin/env python3
"""The independent write floor (issue #21): what a plain client gets from an API server.

Python's http.client over kept-alive HTTPS connections, one per writer thread; nothing shared with barrelman's
transport (libcurl) or client. The scenario runner writes the request bodies (the objects barrelman writes,
built by its fixtures) into a directory and runs this script against a fresh test server; a real
kube-apiserver works the same way (see BENCHMARKS.md). Steps, each timed from its first request to its last
response:

  sequential  one writer creates `services-sequential.jsonl` one after another (the per-write latency)
  services    the writers create `services.jsonl`
  slices      the writers create `slices.jsonl`, each owned by its service (uid from the create's answer)
  updates     the writers PUT the first --updates created slices back with its first endpoint's address replaced

Prints one `name value` line per figure (seconds), for the runner to parse; `updates_cpu_per_write` is this
process's CPU per update, next to barrelman's.
"""
import argparse
import http.client
import json
import ssl
import sys
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="https://host:port")
    parser.add_argument("--ca", required=True, help="the server's CA certificate (PEM file)")
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--bodies", required=True, help="directory with the runner's *.jsonl bodies")
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--updates", type=int, required=True, help="how many of the created slices to update")
    parser.add_argument("--new-ip", required=True, help="the address the updates write into endpoint 0")
    options = parser.parse_args()

    host, port = options.server.removeprefix("https://").rsplit(":", 1)
    context = ssl.create_default_context(cafile=options.ca)
    with open(options.token_file) as file:
        token = file.read().strip()
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json", "Accept": "application/json"}

    def connect():
        return http.client.HTTPSConnection(host, int(port), context=context)

    def send(connection, method, path, body):
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        if response.status >= 300:
            sys.exit(f"plain-client-floor: {method} {path}: HTTP {response.status}: {data[:300]!r}")
        return data

    def read_lines(name):
        with open(f"{options.bodies}/{name}") as file:
            return [line for line in file.read().splitlines() if line]

    base = f"/api/v1/namespaces/{options.namespace}/services"
    slice_base = f"/apis/discovery.k8s.io/v1/namespaces/{options.namespace}/endpointslices"

    def parallel(items, work):
        """Runs work(connection, item) over items with the writers, each on its own kept-alive connection."""
        next_index = [0]
        lock = threading.Lock()
        failure = []

        def writer():
            connection = connect()
            connection.connect()  # the handshake is not part of the step, as a client's pool is warm
            ready.wait()
            try:
                while True:
                    with lock:
                        index = next_index[0]
                        next_index[0] += 1
                    if index >= len(items) or failure:
                        return
                    work(connection, index, items[index])
            except BaseException as error:  # noqa: BLE001 - reported below, the step fails
                failure.append(error)
            finally:
                connection.close()

        ready = threading.Event()
        cpu_before = time.process_time()
        threads = [threading.Thread(target=writer) for _ in range(min(options.writers, len(items)) or 1)]
        for thread in threads:
            thread.start()
        time.sleep(0.2)  # every writer connected
        start = time.monotonic()
        ready.set()
        for thread in threads:
            thread.join()
        if failure:
            sys.exit(f"plain-client-floor: {failure[0]}")
        elapsed = time.monotonic() - start
        cpu[0] = (time.process_time() - cpu_before) / max(1, len(items))
        return elapsed

    cpu = [0.0]  # the last step's CPU seconds per write, this whole process
    sequential = read_lines("services-sequential.jsonl")
    connection = connect()
    connection.connect()
    start = time.monotonic()
    for body in sequential:
        send(connection, "POST", base, body)
    elapsed = time.monotonic() - start
    connection.close()
    print(f"sequential_mean {elapsed / max(1, len(sequential)):.6f}")

    services = read_lines("services.jsonl")
    uids = [None] * len(services)

    def create_service(connection, index, body):
        uids[index] = json.loads(send(connection, "POST", base, body))["metadata"]["uid"]

    print(f"services {parallel(services, create_service):.6f}")

    slices = [json.loads(line) for line in read_lines("slices.jsonl")]
    created = [None] * len(slices)

    def create_slice(connection, index, slice_object):
        owner = slice_object["metadata"]["ownerReferences"][0]
        service_index = int(owner["name"].rsplit("-", 1)[1])
        owner["uid"] = uids[service_index]
        created[index] = json.loads(send(connection, "POST", slice_base, json.dumps(slice_object)))

    print(f"slices {parallel(slices, create_slice):.6f}")

    def update_slice(connection, index, stored):
        stored["endpoints"][0]["addresses"] = [options.new_ip]
        send(connection, "PUT", f"{slice_base}/{stored['metadata']['name']}", json.dumps(stored))

    print(f"updates {parallel(created[:options.updates], update_slice):.6f}")
    print(f"updates_cpu_per_write {cpu[0]:.6f}")


if __name__ == "__main__":
    main()
