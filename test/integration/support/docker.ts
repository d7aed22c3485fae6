import Docker from 'dockerode';

/** How to get an engine, printed when none answers (integration tests never skip silently). */
export const START_DOCKER_HINT =
  'Integration tests need a running Docker engine. Start one with `bash scripts/setup-system.sh docker` ' +
  '(installs Debian docker.io and starts dockerd), or `sudo systemctl start docker`, or set DOCKER_HOST.';

/** Pings the default engine; throws an Error with START_DOCKER_HINT when it does not answer within 5 s. */
export async function requireDocker(): Promise<Docker> {
  const docker = new Docker();
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref()),
    ]);
  } catch (e) {
    throw new Error(`${START_DOCKER_HINT}\n(cause: ${(e as Error).message})`);
  }
  return docker;
}
