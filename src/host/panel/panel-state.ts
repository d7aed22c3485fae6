import * as vscode from 'vscode';
import type { ComparisonView, PacketView, PanelSnapshot, ParsedRequest, ReviewView } from '../../contracts';

/** The run part of a snapshot. */
export type RunView = NonNullable<PanelSnapshot['run']>;

/**
 * What the panel shows, owned by the host. Commands and run controllers update it; the
 * panel listens and pushes a numbered snapshot on every change.
 */
export class PanelState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private packetValue: PacketView | null = null;
  private runValue: RunView | null = null;
  private reviewValue: ReviewView | null = null;
  private comparisonValue: ComparisonView | null = null;

  get packet(): PacketView | null {
    return this.packetValue;
  }
  get run(): RunView | null {
    return this.runValue;
  }
  /** The evidence bundle shown (a finished run's, or one opened in reviewer mode). */
  get review(): ReviewView | null {
    return this.reviewValue;
  }

  /** The registry comparison shown (a blueprint against its parent and forks). */
  get comparison(): ComparisonView | null {
    return this.comparisonValue;
  }

  setComparison(comparison: ComparisonView | null): void {
    this.comparisonValue = comparison;
    this.changed.fire();
  }

  setPacket(packet: PacketView | null): void {
    this.packetValue = packet;
    this.changed.fire();
  }

  setRun(run: RunView | null): void {
    this.runValue = run;
    this.changed.fire();
  }

  setReview(review: ReviewView | null): void {
    this.reviewValue = review;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Answers the panel's requests; each method is one protocol request (src/contracts/protocol.ts), its params already parsed. */
export interface PanelRequestHandler {
  /** The result, already checked against the method's result schema. */
  handle(request: ParsedRequest, token: vscode.CancellationToken): Promise<unknown>;
}
