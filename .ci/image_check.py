"""``make image-check``: build the Dockerfile and call the image's server from outside, where no
Docker daemon runs.

1. A local Debian base image (``mmdebstrap --variant=minbase``, imported with ``podman import``),
   made once and reused.
2. ``podman build --isolation=chroot --network host`` of the Dockerfile on that base
   (``BASE_IMAGE``). The host's CA bundle and pip configuration are mounted for the build's
   ``pip install`` (a proxy that re-signs TLS needs them); the Dockerfile itself is untouched.
3. Containers cannot run here (no cgroups), so the image's entrypoint runs in a chroot of the
   mounted image, as its user, with its environment and working directory (only the port is
   changed, to a free one), and is called over loopback with boto3: health, CreateStateMachine,
   StartExecution, DescribeExecution.

Needs root, podman and mmdebstrap (``apt-get install -y podman mmdebstrap``).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "localhost/sfn-emulator-base:bookworm"
IMAGE = "localhost/sfn-emulator:check"
CACHE = Path(os.environ.get("IMAGE_CHECK_CACHE", "/var/tmp/sfn-emulator-image-check"))


def run(*command: str, capture: bool = False) -> str:
    print("+", shlex.join(command), flush=True)
    done = subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE if capture else None)
    return done.stdout.strip() if capture else ""


def have_image(name: str) -> bool:
    return subprocess.run(["podman", "image", "exists", name]).returncode == 0


def base_image() -> None:
    if have_image(BASE):
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / "base.tar"
    if not tarball.exists():
        partial = CACHE / "base.tar.partial"
        run(
            "mmdebstrap",
            "--variant=minbase",
            "--include=python3,python3-venv,ca-certificates,passwd",
            "--format=tar",
            "bookworm",
            str(partial),
        )
        partial.rename(tarball)
    run("podman", "import", str(tarball), BASE)


def build() -> None:
    volumes: list[str] = []
    for host, inside in (
        ("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/ca-certificates.crt"),
        ("/etc/pip.conf", "/etc/pip.conf"),
    ):
        if Path(host).is_file():
            volumes += ["--volume", f"{host}:{inside}:ro"]
    run(
        "podman",
        "build",
        "--isolation=chroot",
        "--network",
        "host",
        "--build-arg",
        f"BASE_IMAGE={BASE}",
        *volumes,
        "--tag",
        IMAGE,
        str(ROOT),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(mounted: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    config = json.loads(run("podman", "image", "inspect", "--format", "{{json .Config}}", IMAGE, capture=True))
    env = [item for item in config.get("Env") or () if not item.startswith("SFN_EMULATOR_PORT=")]
    env.append(f"SFN_EMULATOR_PORT={port}")
    command = " ".join(shlex.quote(part) for part in config["Cmd"])
    script = f"cd {shlex.quote(config.get('WorkingDir') or '/')} && exec {command}"
    user = config.get("User") or "root"
    argv = ["chroot", f"--userspec={user}:{user}", mounted, "/usr/bin/env", "-i", *env, "/bin/sh", "-c", script]
    print("+", shlex.join(argv), flush=True)
    return subprocess.Popen(argv, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def call(port: int) -> None:
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{url}/_emulator/health", timeout=2) as answer:
                print("health:", answer.read().decode())
                break
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit("the image's server never answered")
    import boto3

    sfn = boto3.client(
        "stepfunctions",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "from the image", "End": True}}}
    arn = sfn.create_state_machine(
        name="image-check", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/r"
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    for _ in range(100):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.05)
    print("execution:", described["status"], described.get("output"))
    if described["status"] != "SUCCEEDED" or json.loads(described["output"]) != "from the image":
        raise SystemExit(f"unexpected answer: {described}")


def main() -> int:
    for tool in ("podman", "mmdebstrap", "chroot"):
        if shutil.which(tool) is None:
            raise SystemExit(f"image-check needs {tool} (apt-get install -y podman mmdebstrap)")
    base_image()
    build()
    mounted = run("podman", "image", "mount", IMAGE, capture=True)
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "emulator.log"
    server = start(mounted, port, log)
    try:
        call(port)
    finally:
        server.terminate()
        server.wait(timeout=30)
        print(log.read_text(errors="replace"))
        run("podman", "image", "unmount", IMAGE)
    print(f"image-check: {IMAGE} built on {BASE}, its entrypoint answered over loopback")
    return 0


if __name__ == "__main__":
    sys.exit(main())
