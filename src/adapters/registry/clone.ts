import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { acquireLock, LockHeldError } from '../store/lock';

/**
 * This machine's working clone of a registry, and the only code that writes to it. Every
 * change is a transaction: fetch, reset to the remote's `main`, apply, commit, push; a
 * push the remote rejects (someone else pushed first) is retried from a fresh fetch after
 * a jittered backoff, re-applying the change to the new state. Never a force push: the
 * push is a plain fast-forward `HEAD:refs/heads/main`, so history others wrote can never
 * be lost.
 */

/** The remote could not be reached (offline, no such repository, authentication refused). */
export class RegistryUnreachableError extends Error {
  constructor(readonly url: string, cause: string) {
    super(`registry ${url} unreachable: ${cause}`);
    this.name = 'RegistryUnreachableError';
  }
}

/** Every push attempt was rejected (the remote kept moving). */
export class RegistryBusyError extends Error {
  constructor(readonly attempts: number) {
    super(`registry push rejected ${attempts} times in a row (others kept pushing); nothing was lost, try again`);
    this.name = 'RegistryBusyError';
  }
}

/** Tuning and test hooks of a clone. */
export interface CloneOptions {
  /** Push attempts before RegistryBusyError (default 40). */
  maxAttempts?: number;
  /** First backoff ceiling in ms (default 25); doubles per attempt up to `backoffCapMs` (default 1000); the wait is uniform in [0, ceiling] ("full jitter"). */
  backoffMs?: number;
  backoffCapMs?: number;
  /** Random source for the jitter (tests). */
  random?: () => number;
  /** Called after the commit and before the push: tests inject failures and races here. */
  beforePush?: (attempt: number) => Promise<void> | void;
  /** Author of registry commits (`Name <email>`); default `shopfloor <registry@shopfloor.invalid>`. */
  author?: string;
}

/** The files of a registry checkout as a transaction sees them (paths are registry-relative, POSIX). */
export interface RegistryTree {
  read(path: string): string | undefined;
  write(path: string, text: string): void;
  /** Registry-relative paths of files under `prefix` (recursively). */
  list(prefix: string): string[];
}

export class RegistryClone {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly git: SimpleGit;
  /** Files written since the last reset (registry-relative paths). */
  private written = new Set<string>();

  constructor(
    readonly url: string,
    readonly dir: string,
    private readonly o: CloneOptions = {},
  ) {
    // A URL is data, never an option or a command: `-...` would be read by git as a flag, and
    // the ext:: and fd:: transports run programs (git and simple-git refuse ext:: by default; this does not rely on them).
    if (/^-/.test(url) || /^(ext|fd)::/i.test(url) || /[\0\n\r]/.test(url)) throw new Error(`refusing registry URL ${JSON.stringify(url)}: not a repository path or git URL`);
    mkdirSync(dir, { recursive: true });
    const [name, email] = /^(.*?)\s*<([^>]*)>$/.exec(o.author ?? '')?.slice(1) ?? ['shopfloor', 'registry@shopfloor.invalid'];
    this.git = simpleGit(dir, { config: [`user.name=${name || 'shopfloor'}`, `user.email=${email || 'registry@shopfloor.invalid'}`, 'commit.gpgsign=false', 'core.autocrlf=false'] });
  }

  /**
   * Runs `fn` after every earlier call of this clone finished, holding the clone's lock
   * file (`<dir>.lock`, store/lock.ts) so two processes on this machine (a run's sync and
   * a `shopfloor registry` command) never share the checkout at once.
   */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const locked = async () => {
      const lock = await this.lock();
      try {
        return await fn();
      } finally {
        lock.release();
      }
    };
    const run = this.queue.then(locked, locked);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async lock() {
    for (let i = 0; ; i++) {
      try {
        return acquireLock(`${this.dir}.lock`);
      } catch (e) {
        if (!(e instanceof LockHeldError) || i > 1200) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /**
   * The commit the checkout was left clean at (after a reset or a push), kept in the
   * clone's git folder so a process taking the lock knows whether the last writer left it
   * clean; an unchanged remote then needs no reset.
   */
  private get cleanAt(): string | undefined {
    const f = join(this.dir, '.git', 'shopfloor-clean-at');
    return existsSync(f) ? readFileSync(f, 'utf8').trim() || undefined : undefined;
  }

  private set cleanAt(commit: string | undefined) {
    writeFileSync(join(this.dir, '.git', 'shopfloor-clean-at'), commit ?? '');
  }

  /** The commit `main` points at, from its loose ref file (no git process); undefined when packed. */
  private headCommit(): string | undefined {
    const f = join(this.dir, '.git', 'refs', 'heads', 'main');
    const v = existsSync(f) ? readFileSync(f, 'utf8').trim() : '';
    return /^[0-9a-f]{40,64}$/.test(v) ? v : undefined;
  }

  /** The tree of the checkout (reads and writes its files). */
  tree(): RegistryTree {
    const dir = this.dir;
    const made = new Set<string>(); // folders made by this tree's writes (a batch writes many files per folder)
    return {
      read: (p) => {
        const f = join(dir, p);
        return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
      },
      write: (p, text) => {
        // No temp file and rename: the checkout is this clone's own and is reset before every transaction.
        const f = join(dir, p);
        const parent = dirname(f);
        if (!made.has(parent)) {
          mkdirSync(parent, { recursive: true });
          made.add(parent);
        }
        // The first write of a transaction leaves the checkout unlike any commit: forget where it was
        // clean before the file changes, so a crash or a refusing apply never passes for clean.
        if (this.written.size === 0) this.cleanAt = undefined;
        writeFileSync(f, text);
        this.written.add(p);
      },
      list: (prefix) => listFiles(dir, prefix),
    };
  }

  /** Fetches and resets the checkout to the remote's `main` (empty when the remote has none). Throws RegistryUnreachableError. */
  pull(): Promise<RegistryTree> {
    return this.serial(async () => {
      await this.refresh();
      return this.tree();
    });
  }

  /**
   * Whether the checkout is known to equal the remote's `main` as last seen: left clean at
   * the commit that both `main` and the tracking ref point at (the last push was accepted,
   * or the last fetch reset it there). Reads the loose ref files only (no git process); a
   * packed or missing ref answers false, which only costs a fetch.
   */
  private knownClean(): boolean {
    const at = this.cleanAt;
    if (!at) return false;
    const ref = (name: string) => {
      const f = join(this.dir, '.git', name);
      return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
    };
    return ref('refs/heads/main') === at && ref('refs/remotes/origin/main') === at;
  }

  private async refresh(): Promise<void> {
    if (!existsSync(join(this.dir, '.git'))) {
      await this.git.raw(['init', '--quiet', '--initial-branch=main']);
      await this.git.raw(['remote', 'add', 'origin', this.url]);
    }
    try {
      await this.git.raw(['fetch', '--quiet', '--prune', 'origin', '+refs/heads/main:refs/remotes/origin/main']);
    } catch (e) {
      const msg = (e as Error).message;
      // An empty remote has no main yet: that is a registry with nothing in it, not an error.
      if (!/couldn't find remote ref|could not find remote ref/i.test(msg)) throw new RegistryUnreachableError(this.url, msg.trim().split('\n').slice(-2).join(' '));
      await this.git.raw(['update-ref', '-d', 'refs/remotes/origin/main']).catch(() => undefined);
    }
    const remote = await this.git.raw(['rev-parse', '--verify', '--quiet', 'refs/remotes/origin/main']).then((s) => s.trim(), () => '');
    this.written.clear();
    // Left clean at this very commit by this process (nothing wrote since): no reset needed.
    if (remote && remote === this.cleanAt) return;
    this.cleanAt = undefined;
    if (remote) await this.git.raw(['checkout', '--quiet', '--force', '-B', 'main', remote]);
    else {
      await this.git.raw(['symbolic-ref', 'HEAD', 'refs/heads/main']);
      await this.git.raw(['update-ref', '-d', 'refs/heads/main']).catch(() => undefined);
      await this.git.raw(['read-tree', '--empty']);
    }
    await this.git.raw(['clean', '--quiet', '-fdx']);
    if (remote) this.cleanAt = remote;
  }

  /**
   * Applies a change and pushes it (see the class comment). `apply` runs on a fresh
   * checkout for every attempt and must be idempotent; it may throw to refuse the change
   * (nothing is pushed). Resolves with apply's value and whether a commit was pushed
   * (false: the change was already there). Throws RegistryUnreachableError,
   * RegistryBusyError, or whatever apply throws.
   */
  transact<T>(message: string, apply: (tree: RegistryTree) => T | Promise<T>): Promise<{ value: T; pushed: boolean; attempts: number }> {
    return this.serial(async () => {
      const max = this.o.maxAttempts ?? 40;
      const random = this.o.random ?? Math.random;
      // Optimistic first attempt: when the checkout is known to equal the remote as last seen,
      // skip the fetch and push on top of it. A remote that moved since rejects the fast-forward
      // push and the retry below fetches and re-applies, so nothing is lost. Only a push the
      // remote accepts counts: an apply that refuses or writes nothing on a state that may be
      // stale is run again on a fetched one.
      let optimistic = this.knownClean();
      for (let attempt = 1; attempt <= max; attempt++) {
        if (optimistic) this.written.clear();
        else await this.refresh();
        let value: T;
        try {
          value = await apply(this.tree());
        } catch (e) {
          if (!optimistic) throw e;
          optimistic = false;
          attempt--;
          continue;
        }
        if (this.written.size === 0) {
          if (!optimistic) return { value, pushed: false, attempts: attempt };
          optimistic = false;
          attempt--;
          continue;
        }
        optimistic = false;
        // Only the files this change wrote: no scan of the whole tree (a registry holds one file
        // per run), and files left by an earlier push are not hashed again.
        const list = join(this.dir, '.git', 'shopfloor-paths');
        writeFileSync(list, `${[...this.written].join('\n')}\n`);
        await this.git.raw(['add', `--pathspec-from-file=${list}`]);
        try {
          // No scan for untracked files: every file this change wrote was just added, and the checkout holds nothing else.
          await this.git.raw(['commit', '--quiet', '--no-verify', '--untracked-files=no', '-m', message]);
        } catch (e) {
          // Everything written was already there byte for byte.
          if (/nothing to commit|nothing added to commit/i.test((e as Error).message)) return { value, pushed: false, attempts: attempt };
          throw e;
        }
        await this.o.beforePush?.(attempt);
        try {
          await this.git.raw(['push', '--quiet', '--porcelain', 'origin', 'HEAD:refs/heads/main']);
          // The push moved refs/remotes/origin/main to HEAD as well: the next fetch finds it unchanged unless someone pushed since.
          this.cleanAt = this.headCommit() ?? (await this.git.raw(['rev-parse', 'HEAD'])).trim();
          return { value, pushed: true, attempts: attempt };
        } catch (e) {
          const msg = (e as Error).message;
          if (!/rejected|fetch first|non-fast-forward|failed to lock|cannot lock ref|incorrect old value|stale info/i.test(msg)) throw new RegistryUnreachableError(this.url, msg.trim().split('\n').slice(-2).join(' '));
        }
        const ceiling = Math.min(this.o.backoffCapMs ?? 1000, (this.o.backoffMs ?? 25) * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, random() * ceiling));
      }
      throw new RegistryBusyError(max);
    });
  }
}

function listFiles(root: string, prefix: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs)) {
      if (name === '.git') continue;
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(root, r)).isDirectory()) walk(r);
      else if (!name.endsWith('.tmp')) out.push(r);
    }
  };
  walk(prefix.replace(/\/+$/, ''));
  return out.sort();
}
