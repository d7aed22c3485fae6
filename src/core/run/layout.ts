/**
 * The layout of a run folder (`.shopfloor/runs/<runId>/`), as POSIX paths relative to it.
 * The one place that names a run's files: the engine, the run session, the CLI's `show`,
 * `verify` and `runs`, and the editor's Runs view all take their names from here.
 */
export const RUN_LAYOUT = {
  /** The hash-chained JSONL journal (design.md "Run journal"). */
  journal: 'journal.jsonl',
  /** The evidence bundle (schemas/evidence.schema.json) and its Markdown rendering. */
  evidenceJson: 'evidence.json',
  evidenceMd: 'evidence.md',
  /** The run's set-up (RunSetupSchema), written before the first record. */
  runSetup: 'artifacts/run-setup.json',
  /** One station attempt's result (StationResultSchema). */
  stationResult: (stationId: string, attempt: number) => `artifacts/stations/${stationId}-${attempt}.json`,
  /** What an agent station attempt had spent when the run was interrupted (cancelled) during it; read back on resume for the evidence. */
  interruptedResult: (stationId: string, attempt: number) => `artifacts/stations/${stationId}-${attempt}.interrupted.json`,
  /** A command's (or the agent's) log, written as the output arrives. */
  commandLog: (stationId: string, attempt: number, n: number | 'agent') => `artifacts/logs/${stationId}-${attempt}-${n}.log`,
  /** A station's whole output as the panel showed it live (all attempts, LF endings), read back by the panel's `log/range` and `log/search`. */
  stationPanelLog: (stationId: string) => `artifacts/logs/${stationId}.panel.log`,
  /** What a reviewer edited at a gate, stored beside its decision. */
  gateEditedPacket: (gateId: string) => `artifacts/gates/${gateId}.packet.json`,
  gateEditedPlan: (gateId: string) => `artifacts/gates/${gateId}.plan.md`,
  /**
   * The patch the output gate shows and approves, written once before that gate opens and
   * never rewritten: the output commit is built from this file, refused when its SHA-256 is
   * not the approved one (evidence `diff.patchSha256`).
   */
  approvedPatch: 'artifacts/approved.patch',
  /** One JSON line per model call through the run's model proxy (ModelCallRecordSchema): usage and price, never a key. */
  modelUsage: 'artifacts/model-usage.jsonl',
  /** A reviewer's verdict on the evidence bundle (ReviewVerdictSchema), written by reviewer mode. */
  reviewVerdict: 'review/verdict.json',
  /** The MCP gateway's hash-chained audit log (AuditRecordSchema), one line per call: digests, never raw arguments or results. */
  toolAudit: 'artifacts/tools/audit.jsonl',
  /** Effectful tool calls held for the output gate and what became of them (ProposedEffect + state). */
  toolEffects: 'artifacts/tools/effects.json',
  /** Tool definitions pinned by hash when first offered to a station (ToolPin + the definition, for showing drift). */
  toolPins: 'artifacts/tools/pins.json',
  /** An artifact an agent recorded with the gateway's `record_evidence` tool. */
  toolEvidence: (stationId: string, attempt: number, n: number) => `artifacts/tools/evidence/${stationId}-${attempt}-${n}.txt`,
  /** Reports of runs that ship nothing. */
  noOpReport: 'no-op-report.md',
  escalation: 'escalation.md',
  investigationNote: 'investigation-note.md',
  /** Scratch space: the verifier's private workspace copy, the local environment's files. */
  scratch: 'scratch',
  localEnvironment: 'local-env',
} as const;
