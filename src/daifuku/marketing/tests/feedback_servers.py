"""Real servers on loopback for the deliverability tests: dovecot (IMAP, its own config,
passwd-file users and maildirs in a temporary directory) and a DNS server (dnslib)
answering TXT records. A missing dovecot or dnslib skips the test with the reason — and
fails it under ``CI=true`` (the rule of the root conftest)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SAMPLES = Path(__file__).parent / "feedback_samples"


def missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required here)")
    pytest.skip(reason)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def free_port() -> int:
    """A port free for both TCP and UDP on loopback."""
    for _ in range(50):
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                    udp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not listen: {log.read_text() if log.exists() else ''}")


@dataclass(frozen=True)
class Imap:
    host: str
    port: int
    user: str
    password: str


DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@contextmanager
def dovecot(user: str = "bounce", password: str = "bounce-secret") -> Iterator[Imap]:
    """A dovecot of its own on a free loopback port, one user, stopped afterwards."""
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )
    if binary is None:
        missing("dovecot is not installed (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="daifuku-dovecot-"))
    os.chmod(root, 0o755)
    if os.geteuid() == 0:
        # dovecot refuses mail access as root: the mailbox belongs to an ordinary user
        mail_user = pwd.getpwnam("nobody")
        login_user = "dovenull" if _exists("dovenull") else "nobody"
        internal_user = "dovecot" if _exists("dovecot") else "nobody"
    else:
        mail_user = pwd.getpwuid(os.geteuid())
        login_user = internal_user = mail_user.pw_name
    (root / "mail").mkdir()
    for sub in ("run", "state"):
        (root / sub).mkdir()
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}::::::\n")
    if os.geteuid() == 0:
        os.chown(root / "mail", mail_user.pw_uid, mail_user.pw_gid)
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(
        DOVECOT_CONF.format(
            root=root,
            port=port,
            uid=mail_user.pw_uid,
            gid=mail_user.pw_gid,
            login_user=login_user,
            internal_user=internal_user,
        )
    )
    log = root / "dovecot.log"
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_port(port, process, log)
        yield Imap("127.0.0.1", port, user, password)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextmanager
def dns_server(records: dict[str, list[str]]) -> Iterator[str]:
    """A DNS server on loopback (UDP and TCP) answering ``records`` (name → TXT values;
    a value longer than 255 characters goes out as several strings, as published keys
    do). Any other name is NXDOMAIN. Yields ``"127.0.0.1:<port>"`` for DAIFUKU_DNS_RESOLVER."""
    try:
        from dnslib import QTYPE, RCODE, RR, TXT
        from dnslib.server import BaseResolver, DNSLogger, DNSServer
    except ImportError:
        missing("dnslib is not installed (a dev dependency)")
    table = {name.lower().rstrip("."): values for name, values in records.items()}

    class Resolver(BaseResolver):
        def resolve(self, request, handler):
            reply = request.reply()
            name = str(request.q.qname).rstrip(".").lower()
            if name not in table:
                reply.header.rcode = RCODE.NXDOMAIN
            elif request.q.qtype == QTYPE.TXT:
                for value in table[name]:
                    chunks = [value[i : i + 255] for i in range(0, len(value), 255)] or [""]
                    reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
            return reply

    port = free_port()
    quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    servers = [
        DNSServer(Resolver(), port=port, address="127.0.0.1", logger=quiet),
        DNSServer(Resolver(), port=port, address="127.0.0.1", tcp=True, logger=quiet),
    ]
    for server in servers:
        server.start_thread()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        for server in servers:
            server.stop()
