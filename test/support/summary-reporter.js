// Mocha reporter: the spec reporter's output plus one closing line in the plain form CI
// reads, "<tier>: N passed, N failed, N skipped". The tier comes from SHOPFLOOR_TEST_TIER.
'use strict';
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  epilogue() {
    super.epilogue();
    const s = this.stats || {};
    const tier = process.env.SHOPFLOOR_TEST_TIER || 'tests';
    process.stdout.write(`${tier}: ${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped\n`);
  }
}
module.exports = SummaryReporter;
