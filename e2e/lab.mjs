// The network lab: a small internet made of Linux network namespaces on this machine, so that
// calls cross what real calls cross (home routers doing NAT, a firewall blocking UDP, a thin or
// lossy uplink, a dropped link, a new address) with real browsers and the real service.
//
//        "public" namespace: bridge br0, 198.18.0.0/16 (RFC 2544's benchmarking range)
//        signaling service and coturn on 198.18.0.1
//              |                                   |
//      router n: wan 198.18.n.2                router m: wan 198.18.m.2
//      NAT (nftables), filters, tc           NAT (nftables), filters, tc
//      lan 10.77.n.1/24                      lan 10.77.m.1/24
//              |                                   |
//      home n: eth0 10.77.n.2, Chromium      home m: eth0 10.77.m.2, Chromium
//
// Every address lives inside namespaces the lab creates; nothing touches this machine's own
// network. Everything the lab makes (namespaces, links, rules, queues, processes in them) goes
// when it is destroyed: after each test, at the process's exit, on SIGINT/SIGTERM, and, should
// a run have been killed outright, at the next lab's start (namespaces whose process is gone).
// Needs root, `ip` (iproute2), `nft` (nftables) and `tc`.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHROMIUM, FAKE_MEDIA, launchBrowser, tempDir } from './harness.mjs';

const PREFIX = 'duetlab';
/** The public network's first two octets; a home's router is 198.18.<home>.2 on it. */
const PUBLIC = '198.18';
/** Where the service and coturn listen. */
export const SERVER_IP = `${PUBLIC}.0.1`;
/** The range a test's coturn may relay to: the lab's public network, nothing else. */
export const PUBLIC_RANGE = `${PUBLIC}.0.0-${PUBLIC}.255.255`;

/** Runs a command; resolves with its output, rejects with its error output. */
function exec(command, args, { input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')}: ${err.trim() || `exit ${code ?? signal}`}`));
    });
    if (input !== undefined) {
      // A command that fails before reading its input closes the pipe: its exit says why.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/** `ip -n <ns> <words…>`, one command written as one string. */
function ipIn(ns, words) {
  return exec('ip', ['-n', ns, ...words.split(/\s+/)]);
}

/**
 * `ip -n <ns> -batch -`: several commands in one process, applied in order. What must look
 * instantaneous (a phone changing networks) is done this way: under load, each `ip` process
 * can take a few hundred milliseconds to start, and a change spread over seven of them left
 * the home half-renumbered for seconds, which the test then counted against the app.
 */
function ipBatch(ns, lines) {
  return exec('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** Runs `command` inside namespace `ns`. */
function execIn(ns, command, args, options) {
  return exec('ip', ['netns', 'exec', ns, command, ...args], options);
}

/**
 * Sets a network sysctl of namespace `ns` (`/proc/sys/net` shows the reader's own namespace;
 * no procps needed).
 */
function setSysctl(ns, key, value) {
  return execIn(ns, 'sh', ['-c', `echo ${value} > /proc/sys/${key}`]);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Kills every process inside namespace `ns` and deletes it, synchronously (exit handlers). */
function removeNamespaceSync(ns) {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  spawnSync('ip', ['netns', 'del', ns]);
}

/** The labs of this process not destroyed yet, for the exit and signal handlers. */
const liveLabs = new Set();
let handlersInstalled = false;

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanUp = () => {
    for (const lab of liveLabs) lab.destroySync();
  };
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      cleanUp();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]);
    });
  }
}

/**
 * Removes the namespaces of labs whose process is gone (a run killed outright, where no
 * handler could run). A lab of a process still running (another test run) is left alone.
 */
export async function sweepStaleLabs() {
  const list = await exec('ip', ['netns', 'list']);
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0];
    const match = new RegExp(`^${PREFIX}-(\\d+)-`).exec(name);
    if (match && !alive(Number(match[1]))) removeNamespaceSync(name);
  }
}

/**
 * Why the lab cannot run here (a one-line reason), or false when it can: it needs Linux, root,
 * and `ip`, `nft` and `tc` able to make a namespace and a NAT rule in it.
 */
export async function labUnavailable() {
  if (process.platform !== 'linux') return 'the network lab needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'the network lab needs root (network namespaces, nftables)';
  const probe = `${PREFIX}-${process.pid}-probe${randomBytes(2).toString('hex')}`;
  try {
    await exec('ip', ['netns', 'add', probe]);
    await execIn(probe, 'nft', ['-f', '-'], {
      input: 'table ip nat {\n chain post {\n type nat hook postrouting priority srcnat; masquerade fully-random;\n }\n}\n',
    });
    await execIn(probe, 'tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', '300kbit', 'burst', '4kb', 'latency', '50ms']);
    return false;
  } catch (error) {
    const missing = error.code === 'ENOENT' ? `${error.path} is not installed` : error.message.split('\n')[0];
    return `the network lab cannot run here: ${missing} (scripts/toolchain.sh installs nftables)`;
  } finally {
    removeNamespaceSync(probe);
  }
}

/** A network of namespaces: the public network, and homes added to it. */
export class Lab {
  /** This lab's name, the prefix of its namespaces: duetlab-<pid>-<random>. */
  id;
  /** The public namespace. */
  public;
  #namespaces = [];
  #homes = new Map();
  #dir;

  /** Makes the public network (after sweeping the namespaces of dead runs). */
  static async create() {
    installExitHandlers();
    await sweepStaleLabs();
    const lab = new Lab();
    lab.id = `${PREFIX}-${process.pid}-${randomBytes(3).toString('hex')}`;
    liveLabs.add(lab);
    try {
      lab.#dir = await tempDir('lab');
      lab.public = await lab.addNamespace('pub');
      await ipIn(lab.public, 'link add br0 type bridge');
      await ipIn(lab.public, `addr add ${SERVER_IP}/16 dev br0`);
      await ipIn(lab.public, 'link set br0 up');
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  /** Adds a namespace named `<lab id>-<suffix>`, loopback up, IPv6 off (IPv4 only). */
  async addNamespace(suffix) {
    const ns = `${this.id}-${suffix}`;
    await exec('ip', ['netns', 'add', ns]);
    this.#namespaces.push(ns);
    await ipIn(ns, 'link set lo up');
    // Off before any link exists, so no link-local IPv6 candidate shows up in the calls.
    await setSysctl(ns, 'net/ipv6/conf/all/disable_ipv6', 1);
    await setSysctl(ns, 'net/ipv6/conf/default/disable_ipv6', 1);
    return ns;
  }

  /**
   * A new home behind its own router. `nat`: "cone" (endpoint-independent mapping, the usual
   * home router) or "symmetric" (a new public port for every destination).
   */
  async addHome({ nat = 'cone' } = {}) {
    let n = 1;
    while (this.#homes.has(n)) n += 1;
    if (n > 250) throw new Error('the lab has no room for another home');
    const home = new Home(this, n, nat);
    this.#homes.set(n, home);
    await home.build();
    return home;
  }

  /** Removes a home (its namespaces, links and processes). */
  async removeHome(home) {
    await home.close();
    for (const ns of [home.host, home.router]) {
      removeNamespaceSync(ns);
      this.#namespaces = this.#namespaces.filter((n) => n !== ns);
    }
    // Its end of the link on the public bridge went with the router's namespace.
    this.#homes.delete(home.n);
  }

  /** A file in the lab's own temporary directory. */
  file(name) {
    return path.join(this.#dir, name);
  }

  /** Removes everything the lab made. */
  async destroy() {
    for (const home of this.#homes.values()) await home.close().catch(() => {});
    this.destroySync();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }

  /** What `destroy` does to the network, synchronously (exit and signal handlers). */
  destroySync() {
    // Homes first: their routers' links hang on the public bridge.
    for (const ns of [...this.#namespaces].reverse()) removeNamespaceSync(ns);
    this.#namespaces = [];
    liveLabs.delete(this);
  }
}

/**
 * One home network: a router namespace (NAT to the public network, and whatever impairment a
 * test sets on it) and a host namespace behind it, where the person's browser runs.
 */
export class Home {
  #lab;
  #rules = { nat: 'cone', blockUdp: false, lossPercent: 0 };
  #browser;
  #wrapper;
  #renumbered = false;

  constructor(lab, n, nat) {
    this.#lab = lab;
    this.n = n;
    this.#rules.nat = nat;
    this.router = `${lab.id}-r${n}`;
    this.host = `${lab.id}-h${n}`;
  }

  /** The router's public address (it changes when the home is renumbered). */
  get publicIp() {
    return `${PUBLIC}.${this.n}.${this.#renumbered ? 3 : 2}`;
  }

  /** The home's own network, e.g. 10.77.1 (10.78.1 once renumbered). */
  get lanPrefix() {
    return `10.${this.#renumbered ? 78 : 77}.${this.n}`;
  }

  /** The address of the person's machine in the home. */
  get hostIp() {
    return `${this.lanPrefix}.2`;
  }

  async build() {
    const lab = this.#lab;
    await lab.addNamespace(`r${this.n}`);
    await lab.addNamespace(`h${this.n}`);
    // Uplink: the router's "wan" to the public bridge.
    await ipIn(lab.public, `link add r${this.n} type veth peer name wan netns ${this.router}`);
    await ipIn(lab.public, `link set r${this.n} master br0 up`);
    await ipIn(this.router, `addr add ${this.publicIp}/16 dev wan`);
    await ipIn(this.router, 'link set wan up');
    // The home network: the router's "lan" to the host's "eth0".
    await ipIn(this.router, `link add lan type veth peer name eth0 netns ${this.host}`);
    await ipIn(this.router, `addr add ${this.lanPrefix}.1/24 dev lan`);
    await ipIn(this.router, 'link set lan up');
    await ipIn(this.host, `addr add ${this.hostIp}/24 dev eth0`);
    await ipIn(this.host, 'link set eth0 up');
    await ipIn(this.host, `route add default via ${this.lanPrefix}.1`);
    await setSysctl(this.router, 'net/ipv4/ip_forward', 1);
    await this.#applyRules();
  }

  /**
   * The router's whole nftables ruleset, replaced at once (`nft -f` is atomic). Replacing the
   * rules never touches the connections the router tracks: NAT bindings live in conntrack.
   */
  async #applyRules() {
    const { nat, blockUdp, lossPercent } = this.#rules;
    const forward = [
      // A home router lets in only what answers something sent from inside.
      'iifname "wan" ct state new drop',
      blockUdp ? 'iifname "lan" meta l4proto udp drop' : '',
      lossPercent > 0 ? `numgen random mod 100 < ${lossPercent} drop` : '',
    ].filter(Boolean);
    const ruleset = `flush ruleset
table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat;
    oifname "wan" masquerade${nat === 'symmetric' ? ' fully-random' : ''}
  }
}
table inet filter {
  # An unsolicited packet to the router itself must not be tracked: conntrack would keep it,
  # and this home's own outgoing packet to the same peer would then get another port (two
  # plain Linux NATs would behave as symmetric ones). Real home routers drop them too.
  chain input {
    type filter hook input priority filter;
    iifname "wan" ct state new drop
  }
  chain forward {
    type filter hook forward priority filter;
${forward.map((rule) => `    ${rule}`).join('\n')}
  }
}
`;
    await execIn(this.router, 'nft', ['-f', '-'], { input: ruleset });
  }

  /** The router's NAT: "cone" or "symmetric". */
  async setNat(nat) {
    this.#rules.nat = nat;
    await this.#applyRules();
  }

  /** Blocks (or unblocks) every UDP packet leaving the home: only TCP gets out. */
  async blockUdp(on = true) {
    this.#rules.blockUdp = on;
    await this.#applyRules();
  }

  /** Drops this share of the packets crossing the router, in both directions, at random. */
  async setLoss(percent) {
    this.#rules.lossPercent = percent;
    await this.#applyRules();
  }

  /** Caps the home's uplink (what leaves it for the public network), or lifts the cap (null). */
  async capUplink(kbit) {
    if (kbit === null) {
      await execIn(this.router, 'tc', ['qdisc', 'del', 'dev', 'wan', 'root']);
      return;
    }
    // A token bucket: `kbit` on average, bursts of a few packets, at most 200 ms of queue
    // (a home router's buffer; more only adds delay).
    await execIn(this.router, 'tc', [
      'qdisc', 'replace', 'dev', 'wan', 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '6kb', 'latency', '200ms',
    ]);
  }

  /** Takes the home's uplink down (the router's link to the public network), or back up. */
  async setUplink(up) {
    await ipIn(this.router, `link set wan ${up ? 'up' : 'down'}`);
  }

  /**
   * Takes the machine's own link down (a Wi-Fi that drops), or back up: the browser sees its
   * network go and come back.
   */
  async setHostLink(up) {
    await ipIn(this.host, `link set eth0 ${up ? 'up' : 'down'}`);
    // A link going down takes its routes with it; the default one does not come back alone.
    if (up) await ipIn(this.host, `route replace default via ${this.lanPrefix}.1`);
  }

  /**
   * Renumbers the home, as a phone moving from Wi-Fi to mobile data: the machine gets a new
   * address on a new network, and the home a new public address. The old addresses go at
   * once (connections bound to them die, as they do on a real phone).
   */
  async renumber() {
    const old = { publicIp: this.publicIp, lanPrefix: this.lanPrefix, hostIp: this.hostIp };
    this.#renumbered = !this.#renumbered;
    // Old addresses first: the new public one is in the same /16, and adding it first would
    // make it a secondary address, deleted together with the old primary. The router and the
    // host change at the same moment, each in one process.
    await Promise.all([
      ipBatch(this.router, [
        `addr del ${old.publicIp}/16 dev wan`,
        `addr add ${this.publicIp}/16 dev wan`,
        `addr del ${old.lanPrefix}.1/24 dev lan`,
        `addr add ${this.lanPrefix}.1/24 dev lan`,
      ]),
      ipBatch(this.host, [
        `addr del ${old.hostIp}/24 dev eth0`,
        `addr add ${this.hostIp}/24 dev eth0`,
        // The old default route went with the old address.
        `route replace default via ${this.lanPrefix}.1`,
      ]),
    ]);
  }

  /**
   * A headless Chromium running inside this home (fake camera and microphone), allowed to use
   * the camera on the lab's plain-HTTP `origin` as if it were a secure one.
   */
  async launchBrowser(origin, flags = FAKE_MEDIA) {
    this.#wrapper = this.#lab.file(`chromium-${this.n}`);
    // Playwright talks to the browser over a pipe, so nothing has to cross the namespaces.
    await writeFile(this.#wrapper, `#!/bin/sh\nexec ip netns exec ${this.host} ${CHROMIUM} "$@"\n`);
    await chmod(this.#wrapper, 0o755);
    this.#browser = await launchBrowser(flags, [`--unsafely-treat-insecure-origin-as-secure=${origin}`], {
      executablePath: this.#wrapper,
    });
    return this.#browser;
  }

  /** Closes the home's browser, if any. */
  async close() {
    await this.#browser?.close();
    this.#browser = undefined;
  }
}
