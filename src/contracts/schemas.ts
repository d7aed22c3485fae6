import type { z } from 'zod';
import { BlueprintSchema } from './blueprint';
import { EvidenceBundleSchema } from './evidence';
import { TaskPacketSchema } from './packet';
import { RegistryRecordSchema } from './registry';
import { JournalRecordSchema } from './run-event';
import { TerminalStateSchema } from './terminal-state';
import { EnvelopeSchema } from './protocol';
import { RunSetupSchema, StationResultSchema } from './run-files';
import { AgentEventSchema } from './agent';
import { PriceTableSchema } from './pricing';
import { ReproductionManifestSchema } from './reproduction';
import { ReviewVerdictSchema } from './review';
import { AuditRecordSchema, McpConfigSchema } from './mcp';

/** The contracts published as JSON Schema files under schemas/, by file stem. */
export const PUBLISHED_SCHEMAS: Record<string, z.ZodType> = {
  'task-packet': TaskPacketSchema,
  blueprint: BlueprintSchema,
  'journal-record': JournalRecordSchema,
  'evidence-bundle': EvidenceBundleSchema,
  'terminal-state': TerminalStateSchema,
  'registry-record': RegistryRecordSchema,
  'webview-envelope': EnvelopeSchema,
  'station-result': StationResultSchema,
  'run-setup': RunSetupSchema,
  'agent-event': AgentEventSchema,
  'price-table': PriceTableSchema,
  'reproduction-manifest': ReproductionManifestSchema,
  'review-verdict': ReviewVerdictSchema,
  'mcp-config': McpConfigSchema,
  'mcp-audit-record': AuditRecordSchema,
};
