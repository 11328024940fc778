#!/usr/bin/env bash
# Single-node Slurm cluster for slurmopt's integration tests and local trials.
#
#   scripts/slurm-cluster.sh up [--no-accounting]   install if missing, configure, start, wait
#   scripts/slurm-cluster.sh down [--purge]         stop only the daemons this script started
#   scripts/slurm-cluster.sh status                 print daemons and node state (exit 0 if usable)
#
# Debian, as root. Installs slurm-wlm, slurmdbd, mariadb-server and munge when missing.
# Writes /etc/slurm/slurm.conf (refuses to overwrite one it did not write), keeps its state,
# logs and MariaDB data under $SLURMOPT_CLUSTER_DIR (default /var/lib/slurmopt-cluster).
# No systemd needed: the daemons are started directly (munged as user munge, mysqld_safe,
# slurmdbd, slurmctld, slurmd). Idempotent: copes with stale pid files, state from earlier
# runs and daemons that already run. Switching between accounting and --no-accounting
# rewrites the configuration and restarts what is needed.
#
# Environment: SLURMOPT_CLUSTER_DIR, SLURMOPT_CLUSTER_CPUS (default 8),
# SLURMOPT_CLUSTER_DB_PORT (default 3307), SLURMOPT_CLUSTER_TIMEOUT (seconds, default 90).
set -eEuo pipefail

STATE_DIR=${SLURMOPT_CLUSTER_DIR:-/var/lib/slurmopt-cluster}
CONF_DIR=/etc/slurm
CLUSTER_NAME=slurmopt
CPUS=${SLURMOPT_CLUSTER_CPUS:-8}
DB_PORT=${SLURMOPT_CLUSTER_DB_PORT:-3307}
WAIT_S=${SLURMOPT_CLUSTER_TIMEOUT:-90}
MARKER="# Written by slurmopt scripts/slurm-cluster.sh; rerun it to change this file."
HOST=$(hostname -s)

RUN_DIR=$STATE_DIR/run
LOG_DIR=$STATE_DIR/log
STARTED_DIR=$STATE_DIR/started
DB_DIR=$STATE_DIR/mysql
DB_CNF=$STATE_DIR/mysql.cnf
DB_SOCK=$DB_DIR/mysqld.sock
DB_PASS_FILE=$STATE_DIR/db-password

log() { echo "slurm-cluster: $*"; }
die() {
  echo "slurm-cluster: error: $*" >&2
  exit 1
}
on_error() {
  echo "slurm-cluster: error: command failed (exit $1) at line $2: $3" >&2
  echo "slurm-cluster: logs are in $LOG_DIR" >&2
}
trap 'on_error $? $LINENO "$BASH_COMMAND"' ERR

usage() {
  echo "usage: $0 up [--no-accounting] | down [--purge] | status" >&2
  exit 2
}

show_log_tail() {
  local f=$1
  if [[ -f $f ]]; then
    echo "--- last lines of $f ---" >&2
    tail -n 15 "$f" >&2 || true
  fi
}

# ---------------------------------------------------------------- processes

# pid_alive PID COMM: the process exists, is not a zombie, and its command name is COMM
# (comm is cut at 15 characters).
pid_alive() {
  local pid=$1 comm=$2 actual stat
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  actual=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $actual == "${comm:0:15}" ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z && ${stat:0:1} != X ]]
}

# find_pid COMM [PIDFILE]: prints the pid of a running COMM (pid file first, then by name).
find_pid() {
  local comm=$1 pidfile=${2:-} pid
  if [[ -n $pidfile && -f $pidfile ]]; then
    pid=$(tr -dc '0-9' <"$pidfile" || true)
    if pid_alive "$pid" "$comm"; then
      echo "$pid"
      return 0
    fi
  fi
  for pid in $(pgrep -x "${comm:0:15}" || true); do
    if pid_alive "$pid" "$comm"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

mark_started() { echo "$2" >"$STARTED_DIR/$1"; }

# child_alive PID: whether a child this script just started in the background is still alive.
# Not pid_alive: until the child has exec'd, its comm is still bash or setsid (seen under load:
# a MariaDB start judged "exited during start-up" with nothing in its logs).
child_alive() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z && ${stat:0:1} != X ]]
}
started_by_us() {
  local name=$1 comm=$2 pid
  [[ -f $STARTED_DIR/$name ]] || return 1
  pid=$(cat "$STARTED_DIR/$name")
  pid_alive "$pid" "$comm"
}

# stop_pid NAME COMM PID: SIGTERM, then SIGKILL after 20 s.
stop_pid() {
  local name=$1 comm=$2 pid=$3 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    pid_alive "$pid" "$comm" || break
    sleep 0.5
  done
  if pid_alive "$pid" "$comm"; then
    log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$STARTED_DIR/$name"
  log "stopped $name (pid $pid)"
}

# stop_ours NAME COMM: stops the daemon only when this script started it.
stop_ours() {
  local name=$1 comm=$2 pid
  if [[ -f $STARTED_DIR/$name ]]; then
    pid=$(cat "$STARTED_DIR/$name")
    if pid_alive "$pid" "$comm"; then
      stop_pid "$name" "$comm" "$pid"
    else
      rm -f "$STARTED_DIR/$name"
    fi
  fi
}

wait_for() {
  local what=$1 logfile=$2
  shift 2
  local i
  for ((i = 0; i < WAIT_S * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  show_log_tail "$logfile"
  die "$what did not come up within ${WAIT_S}s (checked with: $*)"
}

# ---------------------------------------------------------------- install

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_packages() {
  local missing=() p
  for p in munge slurm-wlm slurmdbd mariadb-server procps; do
    installed "$p" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null || die "packages missing (${missing[*]}) and apt-get not found: this script needs Debian or Ubuntu"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed; check network access to the Debian mirrors"
  # policy-rc.d stops the packages' postinst from starting daemons through init scripts.
  local policy=/usr/sbin/policy-rc.d had_policy=0
  [[ -e $policy ]] && had_policy=1
  [[ $had_policy -eq 1 ]] || printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    [[ $had_policy -eq 1 ]] || rm -f "$policy"
    die "apt-get install ${missing[*]} failed"
  fi
  [[ $had_policy -eq 1 ]] || rm -f "$policy"
}

# ---------------------------------------------------------------- configuration

real_memory_mb() {
  local kb mb
  kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  mb=$((kb / 1024 * 3 / 4))
  ((mb > 16384)) && mb=16384
  ((mb < 2048)) && mb=2048
  echo "$mb"
}

slurm_conf() {
  local accounting=$1
  cat <<EOF
$MARKER
ClusterName=$CLUSTER_NAME
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
StateSaveLocation=$STATE_DIR/slurmctld
SlurmdSpoolDir=$STATE_DIR/slurmd
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups here: track processes by parent chain, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# More CPUs than the machine has, so that at least 8 small jobs run at once.
SlurmdParameters=config_overrides
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=256
# Memory limits enforced without cgroups.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherParams=OverMemoryKill
JobAcctGatherFrequency=task=1
GresTypes=gpu
ReturnToService=1
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=300
Waittime=0
SchedulerType=sched/backfill
EOF
  if [[ $accounting == yes ]]; then
    cat <<EOF
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=$HOST
AccountingStorageTRES=gres/gpu
EOF
  else
    echo "AccountingStorageType=accounting_storage/none"
  fi
  cat <<EOF
JobCompType=jobcomp/none
NodeName=$HOST CPUs=$CPUS RealMemory=$(real_memory_mb) Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=$HOST Default=NO MaxTime=5 MaxMemPerNode=2048 State=UP
EOF
}

gres_conf() {
  echo "$MARKER"
  echo "NodeName=$HOST Name=gpu File=/dev/fakegpu[0-1]"
}

slurmdbd_conf() {
  cat <<EOF
$MARKER
AuthType=auth/munge
DbdHost=$HOST
SlurmUser=root
LogFile=$LOG_DIR/slurmdbd.log
PidFile=$RUN_DIR/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$(cat "$DB_PASS_FILE")
StorageLoc=slurm_acct_db
EOF
}

mysql_cnf() {
  cat <<EOF
[mysqld]
user=mysql
datadir=$DB_DIR/data
socket=$DB_SOCK
pid-file=$DB_DIR/mysqld.pid
port=$DB_PORT
bind-address=127.0.0.1
skip-name-resolve
log-error=$DB_DIR/mysqld.log
innodb_buffer_pool_size=128M
innodb_lock_wait_timeout=900
[mysqld_safe]
socket=$DB_SOCK
pid-file=$DB_DIR/mysqld.pid
log-error=$DB_DIR/mysqld.log
EOF
}

# write_if_changed FILE MODE: writes stdin to FILE; returns 0 when the content changed.
write_if_changed() {
  local file=$1 mode=$2 tmp
  tmp=$(mktemp "$file.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$file"
  return 0
}

check_conf_is_ours() {
  local f=$1
  if [[ -f $f ]] && ! grep -qF "$MARKER" "$f"; then
    die "$f exists and was not written by this script; move it away (this script manages a test cluster only)"
  fi
}

# ---------------------------------------------------------------- daemons

start_munge() {
  local pid
  if pid=$(find_pid munged /run/munge/munged.pid); then
    log "munged already running (pid $pid)"
  else
    if [[ ! -s /etc/munge/munge.key ]]; then
      log "creating /etc/munge/munge.key"
      mkdir -p /etc/munge
      if command -v mungekey >/dev/null; then
        mungekey --create --keyfile=/etc/munge/munge.key --force
      else
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
      fi
    fi
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /etc/munge /etc/munge/munge.key /run/munge /var/log/munge /var/lib/munge
    chmod 0700 /etc/munge /var/log/munge /var/lib/munge
    chmod 0755 /run/munge
    chmod 0400 /etc/munge/munge.key
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged --force ||
      {
        show_log_tail /var/log/munge/munged.log
        die "munged failed to start"
      }
    wait_for "munged" /var/log/munge/munged.log find_pid munged /run/munge/munged.pid
    pid=$(find_pid munged /run/munge/munged.pid)
    mark_started munged "$pid"
    log "started munged (pid $pid)"
  fi
  munge -n | unmunge >/dev/null || die "munge does not work (munge -n | unmunge failed); see /var/log/munge/munged.log"
}

db_ping() { mysqladmin --no-defaults --socket="$DB_SOCK" -uroot ping; }

start_mariadb() {
  local pid i
  mkdir -p "$DB_DIR"
  chown mysql:mysql "$DB_DIR"
  mysql_cnf | write_if_changed "$DB_CNF" 0644 || true
  if pid=$(find_pid mysqld_safe) && started_by_us mysqld_safe mysqld_safe && db_ping >/dev/null 2>&1; then
    log "MariaDB already running (mysqld_safe pid $pid)"
  elif db_ping >/dev/null 2>&1; then
    log "MariaDB already answering on $DB_SOCK"
  else
    if [[ ! -d $DB_DIR/data/mysql ]]; then
      log "initialising MariaDB data in $DB_DIR/data"
      mariadb-install-db --defaults-file="$DB_CNF" --user=mysql --datadir="$DB_DIR/data" \
        --auth-root-authentication-method=socket --skip-test-db >"$LOG_DIR/mysql-install.log" 2>&1 ||
        {
          show_log_tail "$LOG_DIR/mysql-install.log"
          die "mariadb-install-db failed"
        }
    fi
    rm -f "$DB_DIR/mysqld.pid" "$DB_SOCK" "$DB_SOCK.lock"
    setsid mysqld_safe --defaults-file="$DB_CNF" </dev/null >>"$LOG_DIR/mysqld_safe.out" 2>&1 &
    pid=$!
    mark_started mysqld_safe "$pid"
    for ((i = 0; i < WAIT_S * 2; i++)); do
      db_ping >/dev/null 2>&1 && break
      if ! child_alive "$pid"; then
        show_log_tail "$LOG_DIR/mysqld_safe.out"
        show_log_tail "$DB_DIR/mysqld.log"
        die "MariaDB (mysqld_safe) exited during start-up"
      fi
      sleep 0.5
    done
    db_ping >/dev/null 2>&1 || {
      show_log_tail "$DB_DIR/mysqld.log"
      die "MariaDB did not answer on $DB_SOCK within ${WAIT_S}s"
    }
    log "started MariaDB (mysqld_safe pid $pid, port $DB_PORT)"
  fi
  [[ -s $DB_PASS_FILE ]] || (umask 077 && head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$DB_PASS_FILE")
  local pass
  pass=$(cat "$DB_PASS_FILE")
  mysql --no-defaults --socket="$DB_SOCK" -uroot <<EOF || die "could not create the slurm database user in MariaDB"
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$pass';
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$pass';
ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$pass';
ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL PRIVILEGES ON slurm_acct_db.* TO 'slurm'@'localhost';
FLUSH PRIVILEGES;
EOF
}

stop_mariadb() {
  local safe_pid pid i
  if started_by_us mysqld_safe mysqld_safe; then
    safe_pid=$(cat "$STARTED_DIR/mysqld_safe")
    # A clean shutdown makes mysqld_safe exit too (it restarts a server that was killed).
    mysqladmin --no-defaults --socket="$DB_SOCK" -uroot shutdown >/dev/null 2>&1 || true
    for ((i = 0; i < 40; i++)); do
      pid_alive "$safe_pid" mysqld_safe || break
      sleep 0.5
    done
    if pid_alive "$safe_pid" mysqld_safe; then stop_pid mysqld_safe mysqld_safe "$safe_pid"; fi
    if pid=$(find_pid mariadbd "$DB_DIR/mysqld.pid"); then stop_pid mariadbd mariadbd "$pid"; fi
    rm -f "$STARTED_DIR/mysqld_safe"
    log "stopped MariaDB (mysqld_safe pid $safe_pid)"
  else
    rm -f "$STARTED_DIR/mysqld_safe"
  fi
}

sacctmgr_ok() { timeout 10 sacctmgr -n -P show cluster format=cluster; }

start_slurmdbd() {
  local pid dbd_changed=$1
  if pid=$(find_pid slurmdbd "$RUN_DIR/slurmdbd.pid"); then
    if [[ $dbd_changed == yes ]]; then
      started_by_us slurmdbd slurmdbd || die "slurmdbd (pid $pid) runs but was not started by this script; stop it first"
      stop_pid slurmdbd slurmdbd "$pid"
    else
      log "slurmdbd already running (pid $pid)"
    fi
  fi
  if ! find_pid slurmdbd "$RUN_DIR/slurmdbd.pid" >/dev/null; then
    rm -f "$RUN_DIR/slurmdbd.pid"
    slurmdbd || {
      show_log_tail "$LOG_DIR/slurmdbd.log"
      die "slurmdbd failed to start"
    }
    wait_for "slurmdbd" "$LOG_DIR/slurmdbd.log" sacctmgr_ok
    pid=$(find_pid slurmdbd "$RUN_DIR/slurmdbd.pid")
    mark_started slurmdbd "$pid"
    log "started slurmdbd (pid $pid)"
  fi
  wait_for "slurmdbd" "$LOG_DIR/slurmdbd.log" sacctmgr_ok
  if ! sacctmgr -n -P show cluster format=cluster | grep -qx "$CLUSTER_NAME"; then
    sacctmgr -i add cluster "$CLUSTER_NAME" >/dev/null || die "sacctmgr add cluster $CLUSTER_NAME failed"
    log "registered cluster $CLUSTER_NAME in accounting"
  fi
}

# start_slurm_daemon NAME CHANGED: (re)starts slurmctld or slurmd.
start_slurm_daemon() {
  local name=$1 changed=$2 pid
  if pid=$(find_pid "$name" "$RUN_DIR/$name.pid"); then
    if [[ $changed == yes ]]; then
      started_by_us "$name" "$name" || die "$name (pid $pid) runs but was not started by this script; stop it first"
      log "configuration changed: restarting $name"
      stop_pid "$name" "$name" "$pid"
    else
      log "$name already running (pid $pid)"
      return 0
    fi
  fi
  rm -f "$RUN_DIR/$name.pid"
  "$name" || {
    show_log_tail "$LOG_DIR/$name.log"
    die "$name failed to start"
  }
  wait_for "$name" "$LOG_DIR/$name.log" find_pid "$name" "$RUN_DIR/$name.pid"
  pid=$(find_pid "$name" "$RUN_DIR/$name.pid")
  mark_started "$name" "$pid"
  log "started $name (pid $pid)"
}

ctld_up() { timeout 10 scontrol ping | grep -q 'is UP'; }
node_state() { timeout 10 sinfo -h -N -n "$HOST" -o '%T' | head -n 1; }

sacct_mode_is() {
  local out
  out=$(sacct -n -X -j 1 2>&1)
  if [[ $1 == yes ]]; then
    [[ $out != *"disabled"* && $out != *"Connection refused"* && $out != *"slurmdbd"* ]]
  else
    [[ $out == *"accounting storage is disabled"* ]]
  fi
}

wait_node_usable() {
  local i state resumed=no
  for ((i = 0; i < WAIT_S * 2; i++)); do
    state=$(node_state 2>/dev/null || true)
    case $state in
    idle | mixed | allocated | completing | idle+* | mixed+* | allocated+*)
      log "node $HOST is $state"
      return 0
      ;;
    inval*)
      show_log_tail "$LOG_DIR/slurmctld.log"
      die "node $HOST is INVAL: its configuration does not match the machine"
      ;;
    down | drained | draining | down+* | drained+* | draining+*)
      # Set down or drained by an administrator (no '*': slurmd answers): bring it back.
      if [[ $resumed == no ]]; then
        log "node $HOST is $state; resuming it"
        scontrol update nodename="$HOST" state=resume || true
        resumed=yes
      fi
      ;;
    esac
    sleep 0.5
  done
  show_log_tail "$LOG_DIR/slurmd.log"
  die "node $HOST did not become idle within ${WAIT_S}s (state: ${state:-unknown}); see $LOG_DIR"
}

# ---------------------------------------------------------------- commands

cmd_up() {
  local accounting=yes
  for arg in "$@"; do
    case $arg in
    --no-accounting) accounting=no ;;
    *) usage ;;
    esac
  done
  [[ $(id -u) -eq 0 ]] || die "run as root (sudo $0 up)"
  install_packages
  mkdir -p "$STATE_DIR" "$RUN_DIR" "$LOG_DIR" "$STARTED_DIR" "$STATE_DIR/slurmctld" "$STATE_DIR/slurmd" "$CONF_DIR"
  chmod 0755 "$STATE_DIR"

  # slurmctld, slurmd and the clients must resolve this host's short name.
  if ! getent hosts "$HOST" >/dev/null; then
    log "adding $HOST to /etc/hosts (it did not resolve)"
    echo "127.0.0.1 $HOST" >>/etc/hosts
  fi

  # Count-only GPUs: gres/gpu drops file-less GPUs, so give it two character devices.
  local i
  for i in 0 1; do
    [[ -c /dev/fakegpu$i ]] || mknod -m 0666 "/dev/fakegpu$i" c 1 3
  done

  check_conf_is_ours "$CONF_DIR/slurm.conf"
  check_conf_is_ours "$CONF_DIR/gres.conf"
  check_conf_is_ours "$CONF_DIR/slurmdbd.conf"
  local conf_changed=no dbd_changed=no
  if slurm_conf "$accounting" | write_if_changed "$CONF_DIR/slurm.conf" 0644; then conf_changed=yes; fi
  if gres_conf | write_if_changed "$CONF_DIR/gres.conf" 0644; then conf_changed=yes; fi

  start_munge
  if [[ $accounting == yes ]]; then
    start_mariadb
    if slurmdbd_conf | write_if_changed "$CONF_DIR/slurmdbd.conf" 0600; then dbd_changed=yes; fi
    start_slurmdbd "$dbd_changed"
  fi
  start_slurm_daemon slurmctld "$conf_changed"
  wait_for "slurmctld" "$LOG_DIR/slurmctld.log" ctld_up
  start_slurm_daemon slurmd "$conf_changed"
  wait_node_usable
  if [[ $accounting == no ]]; then
    stop_ours slurmdbd slurmdbd
    stop_mariadb
  fi
  # Return only once the clients see the mode asked for: sacct either answers from slurmdbd or
  # says accounting is disabled (a test that switches modes runs sacct right after this).
  wait_for "the $( [[ $accounting == yes ]] && echo accounting || echo no-accounting ) mode in sacct" \
    "$LOG_DIR/slurmctld.log" sacct_mode_is "$accounting"
  log "cluster up (accounting: $accounting); partitions: $(sinfo -h -o '%P' | tr '\n' ' ')"
}

cmd_down() {
  local purge=no
  for arg in "$@"; do
    case $arg in
    --purge) purge=yes ;;
    *) usage ;;
    esac
  done
  [[ $(id -u) -eq 0 ]] || die "run as root (sudo $0 down)"
  mkdir -p "$STARTED_DIR"
  stop_ours slurmd slurmd
  stop_ours slurmctld slurmctld
  stop_ours slurmdbd slurmdbd
  stop_mariadb
  stop_ours munged munged
  if [[ $purge == yes ]]; then
    rm -rf "$STATE_DIR"
    for f in slurm.conf gres.conf slurmdbd.conf; do
      if [[ -f $CONF_DIR/$f ]] && grep -qF "$MARKER" "$CONF_DIR/$f"; then rm -f "$CONF_DIR/$f"; fi
    done
    log "removed $STATE_DIR and the configuration files this script wrote"
  fi
  log "down"
}

cmd_status() {
  [[ $# -eq 0 ]] || usage
  local name pid who mode=unknown ok=0
  for name in munged mysqld_safe slurmdbd slurmctld slurmd; do
    if pid=$(find_pid "$name" "$RUN_DIR/$name.pid" 2>/dev/null); then
      who="not started by this script"
      [[ -f $STARTED_DIR/$name && $(cat "$STARTED_DIR/$name") == "$pid" ]] && who="started by this script"
      printf '%-12s running (pid %s, %s)\n' "$name" "$pid" "$who"
    else
      printf '%-12s stopped\n' "$name"
    fi
  done
  if [[ -f $CONF_DIR/slurm.conf ]]; then
    if grep -q '^AccountingStorageType=accounting_storage/slurmdbd' "$CONF_DIR/slurm.conf"; then mode=accounting; else mode=no-accounting; fi
  fi
  echo "mode         $mode"
  local state
  if ctld_up 2>/dev/null && state=$(node_state 2>/dev/null) && [[ -n $state ]]; then
    echo "node         $HOST $state"
    sinfo 2>/dev/null || true
    case $state in idle | mixed | allocated | completing | idle+* | mixed+* | allocated+*) ok=1 ;; esac
  else
    echo "node         slurmctld does not answer"
  fi
  if [[ $ok -eq 1 ]]; then exit 0; fi
  exit 3
}

[[ $# -ge 1 ]] || usage
command=$1
shift
case $command in
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
status) cmd_status "$@" ;;
*) usage ;;
esac
