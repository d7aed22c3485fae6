import { strict as assert } from 'node:assert';
import { pullRequestUrl } from '../../../../src/adapters/git/push';

describe('adapters/git/push: the pull request page for a pushed branch', () => {
  const b = 'shopfloor/20261121-200000-abcdef';

  it('GitHub in https, scp-like ssh and ssh:// forms', () => {
    const want = `https://github.com/acme/app/compare/${b}?expand=1`;
    assert.equal(pullRequestUrl('https://github.com/acme/app.git', b), want);
    assert.equal(pullRequestUrl('git@github.com:acme/app.git', b), want);
    assert.equal(pullRequestUrl('ssh://git@github.com/acme/app', b), want);
    assert.equal(pullRequestUrl('https://token@github.com/acme/app/', b), want);
  });

  it('GitLab (nested groups) and Bitbucket', () => {
    assert.equal(
      pullRequestUrl('git@gitlab.example.com:group/sub/app.git', b),
      `https://gitlab.example.com/group/sub/app/-/merge_requests/new?merge_request%5Bsource_branch%5D=${encodeURIComponent(b)}`,
    );
    assert.equal(pullRequestUrl('https://bitbucket.org/acme/app.git', b), `https://bitbucket.org/acme/app/pull-requests/new?source=${encodeURIComponent(b)}`);
  });

  it('no page for a local path or an unknown host', () => {
    assert.equal(pullRequestUrl('/srv/git/app.git', b), undefined);
    assert.equal(pullRequestUrl('file:///srv/git/app.git', b), undefined);
    assert.equal(pullRequestUrl('https://git.internal/acme/app.git', b), undefined);
  });
});
