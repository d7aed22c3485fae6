/**
 * What one station attempt produced. The shape is a contract (src/contracts/run-files.ts
 * StationResultSchema): it is stored as `artifacts/stations/<id>-<attempt>.json` (see
 * layout.ts) before its `station/finished` record, and parsed when a resumed run reads it back.
 */
export type { StationResult } from '../../contracts';
