/**
 * devcontainer.json variable substitution (containers.dev/implementors/json_reference,
 * "Variables in devcontainer.json"). `${localEnv:X}` never copies the host's
 * environment into a station (credentials never enter a container): it takes the
 * reference's default, or '', and says so in a note.
 */
export interface VariableContext {
  localWorkspaceFolder: string;
  containerWorkspaceFolder: string;
  devcontainerId: string;
}

const VAR = /\$\{([^}:]+)(?::([^}:]*))?(?::([^}]*))?\}/g;

/**
 * Substitutes the variables Shopfloor can resolve before the container exists.
 * `${containerEnv:X}` is left as is (resolved at exec time). Unknown variables are left
 * untouched, as the Dev Containers CLI does. Adds one note per `${localEnv}` reference.
 */
export function substitute(text: string, ctx: VariableContext, notes: string[], where: string): string {
  return text.replace(VAR, (whole, name: string, arg?: string, dflt?: string) => {
    switch (name) {
      case 'localWorkspaceFolder':
        return ctx.localWorkspaceFolder;
      case 'localWorkspaceFolderBasename':
        return basename(ctx.localWorkspaceFolder);
      case 'containerWorkspaceFolder':
        return ctx.containerWorkspaceFolder;
      case 'containerWorkspaceFolderBasename':
        return basename(ctx.containerWorkspaceFolder);
      case 'devcontainerId':
        return ctx.devcontainerId;
      case 'localEnv':
      case 'env':
        notes.push(`${where}: \${${name}:${arg ?? ''}} is not read from the host (credentials never enter a container); using ${dflt === undefined ? 'an empty string' : `its default ${JSON.stringify(dflt)}`}`);
        return dflt ?? '';
      default:
        return whole;
    }
  });
}

/** Resolves `${containerEnv:X[:default]}` against the container's environment. */
export function substituteContainerEnv(text: string, env: Record<string, string>): string {
  return text.replace(VAR, (whole, name: string, arg?: string, dflt?: string) =>
    name === 'containerEnv' && arg !== undefined ? (env[arg] ?? dflt ?? '') : whole,
  );
}

function basename(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}
