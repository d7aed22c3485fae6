import * as vscode from 'vscode';
import { loadToolServers } from '../../adapters/mcp/config';
import { pinToolsForApproval } from '../../adapters/mcp/approval-pins';
import { parse as parseYaml } from 'yaml';
import { TaskPacketSchema, type FieldProblem } from '../../contracts';
import { humanIdentity } from '../../adapters/git/identity';
import { packetContentHash, packetView } from '../../core/documents/packet-view';
import { approvalOf } from '../../core/packet/approval';
import { formatPath, formatProblem } from '../../core/validate';
import type { PanelState } from '../panel/panel-state';

/** workspaceState key: content hashes of packets approved in this editor; a run from any other approval asks first. */
export const APPROVED_HERE = 'shopfloor.approvedHere';

/**
 * The task packet open in the panel's form: reads it from `.shopfloor/packets/`, saves
 * edits only when they validate, and records the "Approve packet" gate (who, when, and
 * the content hash of exactly what was approved; design.md "Gate").
 */
export class PacketSession {
  constructor(
    private readonly state: PanelState,
    private readonly log: vscode.LogOutputChannel,
    /** Where approvals made in this editor are remembered (workspaceState). */
    private readonly memento?: vscode.Memento,
  ) {}

  /** Opens `uri` in the form. Throws with the file name when it is not JSON/YAML or not an object. */
  async open(uri: vscode.Uri): Promise<void> {
    const value = await this.read(uri);
    this.state.setPacket(packetView(vscode.workspace.asRelativePath(uri, false), value, !vscode.workspace.isTrusted));
    this.log.info(`packet opened in the panel: ${uri.fsPath}`);
  }

  /** Validates `value`; writes it to `file` only when valid. An edit drops an approval that no longer matches. */
  async save(file: string, value: Record<string, unknown>): Promise<{ saved: boolean; problems: FieldProblem[] }> {
    this.assertTrusted();
    const uri = this.resolve(file);
    const parsed = TaskPacketSchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
      this.state.setPacket({ ...packetView(file, value, false), problems });
      return { saved: false, problems };
    }
    const next: Record<string, unknown> = { ...value };
    const a = next.approval as { contentHash?: string } | undefined;
    if (a && a.contentHash !== packetContentHash(next)) {
      delete next.approval;
      this.log.info(`packet ${file} changed after approval: the approval was withdrawn`);
    }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(next, null, 2) + '\n'));
    this.state.setPacket(packetView(file, next, false));
    return { saved: true, problems: [] };
  }

  /**
   * The "Approve packet" gate: re-reads the file (the human approves what is stored, not
   * what the form holds), refuses an invalid packet, and writes `approval`.
   */
  async approve(file: string): Promise<{ approved: boolean; message?: string }> {
    this.assertTrusted();
    const uri = this.resolve(file);
    const value = await this.read(uri);
    const view = packetView(file, value, false);
    if (view.problems.length) {
      this.state.setPacket(view);
      return { approved: false, message: `fix ${view.problems.length} problem(s) before approving: ${describe(view.problems)}` };
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const by = await humanIdentity(folder?.uri.fsPath ?? process.cwd());
    // The team MCP tools the packet allows are pinned by hash as their servers list them now (issue 12).
    const servers = folder ? loadToolServers(folder.uri.fsPath, { trusted: vscode.workspace.isTrusted }) : [];
    const allowed = Array.isArray(value.allowedTools) ? value.allowedTools.filter((t): t is string => typeof t === 'string') : [];
    const tools = servers.length ? await pinToolsForApproval(servers, allowed) : undefined;
    for (const u of tools?.unreachable ?? []) this.log.warn(`MCP server ${u.server} could not be listed at approval (${u.error}): its tools stay hidden from agents until a gate approves them`);
    const approval = approvalOf(value, by, new Date().toISOString(), tools?.pins);
    const next = { ...value, approval };
    await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(next, null, 2) + '\n'));
    if (this.memento) await this.memento.update(APPROVED_HERE, [...this.memento.get<string[]>(APPROVED_HERE, []), approval.contentHash].slice(-500));
    this.state.setPacket(packetView(file, next, false));
    this.log.info(`packet ${file} approved by ${by} (sha256 ${approval.contentHash})`);
    return { approved: true };
  }

  private async read(uri: vscode.Uri): Promise<Record<string, unknown>> {
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    let value: unknown;
    try {
      value = /\.ya?ml$/i.test(uri.path) ? parseYaml(text) : JSON.parse(text);
    } catch (e) {
      throw new Error(`${vscode.workspace.asRelativePath(uri, false)} cannot be parsed: ${(e as Error).message}`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${vscode.workspace.asRelativePath(uri, false)} is not a JSON/YAML object`);
    return value as Record<string, unknown>;
  }

  /** Resolves a workspace-relative packet path; refuses anything outside `.shopfloor/packets/`. */
  private resolve(file: string): vscode.Uri {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('no folder is open');
    const norm = file.replace(/\\/g, '/');
    if (!/^\.shopfloor\/packets\/[^/]+\.(json|ya?ml)$/.test(norm)) throw new Error(`${file} is not a packet file under .shopfloor/packets/`);
    return vscode.Uri.joinPath(folder.uri, norm);
  }

  private assertTrusted(): void {
    if (!vscode.workspace.isTrusted) throw new Error('this workspace is not trusted: Shopfloor does not change or approve packets in restricted mode');
  }
}

function describe(problems: FieldProblem[]): string {
  return problems
    .slice(0, 3)
    .map(formatProblem)
    .join('; ');
}
