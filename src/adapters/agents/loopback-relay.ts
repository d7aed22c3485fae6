/**
 * A TCP relay inside the station from 127.0.0.1 to a service at the station's egress gateway
 * (the model proxy), for CLIs that accept a plain-HTTP base URL only on loopback (Gemini CLI:
 * /work/shared/environment.md). It runs on the station's own Node.js (the CLI needs it anyway),
 * listens on a port the kernel picks, writes that port to a file, and exits when the process
 * that started it (the CLI, after the shell's `exec`) is gone. Bytes pass unchanged: the
 * proxy still sees the station's token and meters the calls.
 */

/**
 * Whether `baseUrl` needs the relay: plain HTTP to a host that is not loopback. Returns the
 * relay's target (`host:port`, port 80 when the URL names none) and the URL's path, or
 * undefined (HTTPS, loopback, or not a URL).
 */
export function needsLoopbackRelay(baseUrl: string): { target: string; path: string } | undefined {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return undefined;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (u.protocol !== 'http:' || host === 'localhost' || host === '::1' || /^127\./.test(host)) return undefined;
  return { target: `${host.includes(':') ? `[${host}]` : host}:${u.port || '80'}`, path: u.pathname.replace(/\/$/, '') };
}

/**
 * The relay program, for `node -e` with argv `TARGET PORTFILE` (TARGET as needsLoopbackRelay
 * returns it). Plain CommonJS with no dependencies, so any Node.js the station has runs it.
 */
export const LOOPBACK_RELAY_JS = [
  "const net=require('net'),fs=require('fs');",
  'const [,target,file]=process.argv;const i=target.lastIndexOf(":");',
  "const host=target.slice(0,i).replace(/^\\[|\\]$/g,''),port=Number(target.slice(i+1)),parent=process.ppid;",
  'const s=net.createServer((c)=>{const u=net.connect(port,host);c.pipe(u);u.pipe(c);c.on("error",()=>u.destroy());u.on("error",()=>c.destroy());});',
  "s.listen(0,'127.0.0.1',()=>fs.writeFileSync(file,String(s.address().port)));",
  // Reparented once the CLI exits: nothing is left listening in a kept container.
  'setInterval(()=>{if(process.ppid!==parent)process.exit(0);},500);',
].join('');

/**
 * The shell lines that start the relay when SHOPFLOOR_RELAY_TARGET is set (with
 * SHOPFLOOR_RELAY_JS and SHOPFLOOR_RELAY_PATH), wait up to 10 s for its port (less if it dies), and point
 * `variable` at it; a relay that does not start ends the script with exit status 1 and says so.
 */
export function relayShell(variable: string): string {
  return [
    'if [ -n "${SHOPFLOOR_RELAY_TARGET:-}" ]; then',
    '  p="$(mktemp)" || exit 1',
    // Its own stdio: a relay holding the station command's output pipe would keep the
    // command's output open after the CLI exits.
    '  node -e "$SHOPFLOOR_RELAY_JS" "$SHOPFLOOR_RELAY_TARGET" "$p" </dev/null >/dev/null 2>&1 &',
    '  r=$!; i=0',
    // A relay that died (no node, a bad script) is reported at once rather than after the wait.
    '  while [ ! -s "$p" ]; do i=$((i+1)); if [ "$i" -gt 200 ] || ! kill -0 "$r" 2>/dev/null; then echo "shopfloor: the loopback relay to $SHOPFLOOR_RELAY_TARGET did not start (is node on PATH in the station image?)"; exit 1; fi; sleep 0.05; done',
    `  export ${variable}="http://127.0.0.1:$(cat "$p")\${SHOPFLOOR_RELAY_PATH:-}"`,
    'fi',
  ].join('\n');
}
