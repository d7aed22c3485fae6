/**
 * Runs the OpenAI Responses double with CODEX_SESSION on 127.0.0.1:PORT (argv[2], default
 * 18080) as a process of its own, for tests that need the double inside a station
 * container (network none: the model must be local to the container). Bundled to one JS
 * file by the test; exits quietly when the port is taken (a double already serves it).
 */
import { CODEX_SESSION } from './codex-session';
import { startOpenAIDouble } from './openai';

const port = Number(process.argv[2] ?? 18080);
startOpenAIDouble(CODEX_SESSION, { port }).then(
  (d) => process.stderr.write(`double at ${d.baseUrl}\n`),
  () => process.exit(0),
);
