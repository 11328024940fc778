#!/usr/bin/env bash
# Loopback OpenSSH server for the SSH transport's integration tests (and CI).
#
#   scripts/sshd-loopback.sh up             start (or keep) sshd on 127.0.0.1:$PORT, print the paths
#   scripts/sshd-loopback.sh down [--purge] stop it (--purge also deletes the state directory)
#   scripts/sshd-loopback.sh status         exit 0 when it is running and accepting our key
#   scripts/sshd-loopback.sh env            print the paths as KEY=VALUE lines (no side effects)
#   scripts/sshd-loopback.sh kill-sessions [--all] [--client-port N]
#                     kill the sshd process of every open SSH session (the listener stays): the
#                     client sees the connection drop as after a network cut, while commands the
#                     sessions started keep running; --all kills those commands too;
#                     --client-port only the session of the client connected from port N (a
#                     session sees it as the second word of $SSH_CLIENT), so that tests running
#                     side by side do not cut each other's connections
#
# Settings (environment):
#   SLURMOPT_SSHD_DIR   state directory, mode 0700 (default /tmp/slurmopt-sshd)
#   SLURMOPT_SSHD_PORT  port on 127.0.0.1 (default 2222)
#
# Everything in the state directory is throwaway: host keys, user keys (plain, encrypted and
# one that is NOT authorized), authorized_keys, the sshd config, and known_hosts files for the
# tests (correct plain entry, hashed variant, a changed host key, an unknown host).
# Only the current user may log in, only with those keys, only from loopback.
set -euo pipefail

DIR="${SLURMOPT_SSHD_DIR:-/tmp/slurmopt-sshd}"
PORT="${SLURMOPT_SSHD_PORT:-2222}"
HOST=127.0.0.1
PASSPHRASE="slurmopt-loopback-passphrase"
USER_NAME="$(id -un)"
SSHD_BIN="$(command -v sshd || echo /usr/sbin/sshd)"

die() {
  echo "sshd-loopback: $*" >&2
  exit 1
}

print_env() {
  cat <<EOF
SSHD_DIR=$DIR
SSHD_HOST=$HOST
SSHD_PORT=$PORT
SSHD_USER=$USER_NAME
SSHD_PID_FILE=$DIR/sshd.pid
SSHD_LOG=$DIR/sshd.log
SSHD_CONFIG=$DIR/sshd_config
USER_KEY=$DIR/id_ed25519
USER_KEY_ENCRYPTED=$DIR/id_ed25519_encrypted
USER_KEY_PASSPHRASE=$PASSPHRASE
USER_KEY_UNAUTHORIZED=$DIR/id_ed25519_unauthorized
KNOWN_HOSTS=$DIR/known_hosts
KNOWN_HOSTS_HASHED=$DIR/known_hosts_hashed
KNOWN_HOSTS_CHANGED=$DIR/known_hosts_changed
KNOWN_HOSTS_UNKNOWN=$DIR/known_hosts_unknown
EOF
}

# OpenSSH plus the tools this script uses: ss (iproute2), ps (procps), flock (util-linux).
ensure_sshd_installed() {
  local missing=()
  [ -x "$SSHD_BIN" ] || missing+=(openssh-server)
  command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || missing+=(openssh-client)
  command -v ss >/dev/null || missing+=(iproute2)
  command -v ps >/dev/null || missing+=(procps)
  command -v flock >/dev/null || missing+=(util-linux)
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    die "missing ${missing[*]} and cannot install (needs root on Debian/Ubuntu): apt-get install ${missing[*]}"
  fi
  echo "sshd-loopback: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  SSHD_BIN="$(command -v sshd || echo /usr/sbin/sshd)"
  [ -x "$SSHD_BIN" ] || die "openssh-server installed but sshd not found"
}

# Generates a key once; keys survive restarts so known_hosts stays valid between runs.
keygen_once() {
  local file="$1" comment="$2" passphrase="${3:-}"
  if [ ! -f "$file" ] || [ ! -f "$file.pub" ]; then
    rm -f "$file" "$file.pub"
    ssh-keygen -q -t ed25519 -N "$passphrase" -C "$comment" -f "$file" >/dev/null
  fi
  chmod 0600 "$file"
}

write_state() {
  mkdir -p "$DIR"
  chmod 0700 "$DIR"
  keygen_once "$DIR/host_ed25519_key" "slurmopt-loopback-host"
  keygen_once "$DIR/other_host_ed25519_key" "slurmopt-loopback-impostor"
  keygen_once "$DIR/id_ed25519" "slurmopt-loopback-user"
  keygen_once "$DIR/id_ed25519_encrypted" "slurmopt-loopback-user-encrypted" "$PASSPHRASE"
  keygen_once "$DIR/id_ed25519_unauthorized" "slurmopt-loopback-not-authorized"

  cat "$DIR/id_ed25519.pub" "$DIR/id_ed25519_encrypted.pub" >"$DIR/authorized_keys"
  chmod 0600 "$DIR/authorized_keys"

  local host_pub other_pub
  host_pub="$(cut -d' ' -f1,2 "$DIR/host_ed25519_key.pub")"
  other_pub="$(cut -d' ' -f1,2 "$DIR/other_host_ed25519_key.pub")"
  printf '[%s]:%s %s\n' "$HOST" "$PORT" "$host_pub" >"$DIR/known_hosts"
  printf '[%s]:%s %s\n' "$HOST" "$PORT" "$other_pub" >"$DIR/known_hosts_changed"
  printf 'cluster.example.org,192.0.2.10 %s\n' "$host_pub" >"$DIR/known_hosts_unknown"
  cp "$DIR/known_hosts" "$DIR/known_hosts_hashed"
  ssh-keygen -q -H -f "$DIR/known_hosts_hashed" >/dev/null 2>&1
  rm -f "$DIR/known_hosts_hashed.old"
  chmod 0600 "$DIR"/known_hosts*

  cat >"$DIR/sshd_config" <<EOF
# Throwaway loopback sshd for slurmopt tests (written by scripts/sshd-loopback.sh).
Port $PORT
ListenAddress $HOST
HostKey $DIR/host_ed25519_key
PidFile $DIR/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
AllowUsers $USER_NAME
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
Subsystem sftp internal-sftp
LogLevel VERBOSE
MaxStartups 30:30:100
EOF
}

master_pid() {
  local pid
  [ -f "$DIR/sshd.pid" ] || return 1
  pid="$(cat "$DIR/sshd.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # Make sure the pid is still our sshd (not a reused pid).
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$DIR/sshd_config" || return 1
  echo "$pid"
}

login_works() {
  ssh -q -p "$PORT" -i "$DIR/id_ed25519" \
    -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o UserKnownHostsFile="$DIR/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o ConnectTimeout=5 -F /dev/null \
    "$USER_NAME@$HOST" true </dev/null
}

start_sshd() {
  if [ "$(id -u)" -eq 0 ]; then
    mkdir -p /run/sshd
    chmod 0755 /run/sshd
  fi
  "$SSHD_BIN" -t -f "$DIR/sshd_config" || die "sshd rejected $DIR/sshd_config"
  rm -f "$DIR/sshd.pid"
  : >"$DIR/sshd.log"
  "$SSHD_BIN" -f "$DIR/sshd_config" -E "$DIR/sshd.log" ||
    die "sshd failed to start; log: $DIR/sshd.log ($(tail -n 5 "$DIR/sshd.log" | tr '\n' ' '))"
  local i
  for i in $(seq 1 50); do
    if master_pid >/dev/null && login_works; then
      return
    fi
    sleep 0.1
  done
  die "sshd did not accept the test key on $HOST:$PORT within 5 s; log: $DIR/sshd.log ($(tail -n 5 "$DIR/sshd.log" | tr '\n' ' '))"
}

cmd_up() {
  ensure_sshd_installed
  mkdir -p "$DIR"
  chmod 0700 "$DIR"
  exec 9>"$DIR/.lock"
  flock 9
  if master_pid >/dev/null && [ -f "$DIR/known_hosts" ] &&
    grep -q "^Port $PORT\$" "$DIR/sshd_config" && login_works; then
    print_env
    return
  fi
  stop_sshd
  write_state
  start_sshd
  print_env
}

stop_sshd() {
  local pid i
  if pid="$(master_pid)"; then
    kill_sessions_quiet all >/dev/null
    kill "$pid"
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$DIR/sshd.pid"
}

cmd_down() {
  [ -d "$DIR" ] || return 0
  exec 9>"$DIR/.lock"
  flock 9
  stop_sshd
  if [ "${1:-}" = "--purge" ]; then
    rm -rf "$DIR"
  fi
  echo "sshd-loopback: stopped"
}

cmd_status() {
  local pid
  if pid="$(master_pid)" && login_works; then
    echo "sshd-loopback: running, pid $pid, $USER_NAME@$HOST:$PORT"
    print_env
    return 0
  fi
  echo "sshd-loopback: not running ($DIR)"
  return 1
}

# Descendants of the listener: the per-connection sshd processes (monitor and privilege-separated
# child) and, with "all", the commands they started.
session_pids() {
  local parent="$1" which="$2" child comm
  for child in $(ps -o pid= --ppid "$parent" 2>/dev/null); do
    comm="$(ps -o comm= -p "$child" 2>/dev/null || true)"
    if [ "$which" = all ] || [ "$comm" = sshd ]; then
      echo "$child"
    fi
    session_pids "$child" "$which"
  done
}

# sshd processes holding the connection from 127.0.0.1:<client port>, and with "all" their children.
client_session_pids() {
  local master="$1" which="$2" client_port="$3" ours p
  ours=" $(session_pids "$master" sshd | tr '\n' ' ') "
  for p in $(ss -Htnp state established "( sport = :$PORT and dport = :$client_port )" |
    grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    case "$ours" in *" $p "*) ;; *) continue ;; esac
    echo "$p"
    if [ "$which" = all ]; then session_pids "$p" all; fi
  done
}

kill_sessions_quiet() {
  local pid pids
  pid="$(master_pid)" || return 0
  if [ -n "${2:-}" ]; then
    pids="$(client_session_pids "$pid" "${1:-sshd}" "$2" | sort -u | tr '\n' ' ')"
  else
    pids="$(session_pids "$pid" "${1:-sshd}" | tr '\n' ' ')"
  fi
  if [ -n "${pids// /}" ]; then
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
  fi
  echo "$pids" | wc -w
}

cmd_kill_sessions() {
  master_pid >/dev/null || die "not running ($DIR); run: $0 up"
  local which=sshd client_port="" n
  while [ $# -gt 0 ]; do
    case "$1" in
      --all) which=all ;;
      --client-port)
        client_port="${2:-}"
        shift
        ;;
      *) die "kill-sessions: unknown option $1" ;;
    esac
    shift
  done
  if [ -n "$client_port" ] && ! [[ "$client_port" =~ ^[0-9]+$ ]]; then
    die "kill-sessions: --client-port needs a port number"
  fi
  n="$(kill_sessions_quiet "$which" "$client_port")"
  echo "sshd-loopback: killed $n session process(es)"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  env) print_env ;;
  kill-sessions)
    shift
    cmd_kill_sessions "$@"
    ;;
  *)
    echo "usage: $0 up|down [--purge]|status|env|kill-sessions [--all] [--client-port N]" >&2
    exit 2
    ;;
esac
