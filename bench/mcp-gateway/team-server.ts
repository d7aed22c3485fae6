// The bench's team MCP server in its own process, as a team's server is in use: its event
// loop and garbage collector are not the gateway's. Prints its URL on the first line of stdout.
import { startHttpTeamServer } from '../../test/support/mcp/http-team-server';

void startHttpTeamServer().then((s) => process.stdout.write(`${s.url}\n`));
