import { DetectContext, fromRepo } from '../context';
import { lineOf } from '../text';

/** Maven: pom.xml (wrapper `mvnw` preferred), modules, checkstyle/spotless plugins. */
export function detectMaven(ctx: DetectContext): void {
  const poms = ctx.named('pom.xml');
  if (!poms.length) return;
  for (const p of poms.slice(0, 50)) ctx.manifest('maven', p);
  const pom = poms[0]!;
  const dir = pom.includes('/') ? pom.slice(0, pom.lastIndexOf('/')) : '';
  const text = ctx.text(pom) ?? '';
  const wrapper = ctx.has(dir ? `${dir}/mvnw` : 'mvnw');
  const mvn = wrapper ? './mvnw' : 'mvn';
  const how = wrapper ? 'Maven wrapper mvnw' : 'Maven';
  const cwd = dir || undefined;
  ctx.command('setup', 'maven', [mvn, '-B', 'dependency:go-offline'], fromRepo(pom, undefined, `${how}: resolve dependencies and plugins`), cwd);
  ctx.command('build', 'maven', [mvn, '-B', '-DskipTests', 'package'], fromRepo(pom, undefined, `${how}: package without tests`), cwd);
  ctx.command('test', 'maven', [mvn, '-B', 'test'], fromRepo(pom, lineOf(text, /surefire|junit|testng/i), `${how}: surefire tests`), cwd);
  for (const [re, goal] of [
    [/maven-checkstyle-plugin/, 'checkstyle:check'],
    [/spotless-maven-plugin/, 'spotless:check'],
  ] as const) {
    const line = lineOf(text, re);
    if (line) ctx.command('lint', 'maven', [mvn, '-B', goal], fromRepo(pom, line, `${how}: ${goal} (plugin configured)`), cwd);
  }
  const modules = [...text.matchAll(/<module>\s*([^<\s]+)\s*<\/module>/g)].map((m) => (dir ? `${dir}/${m[1]}` : m[1]!));
  if (modules.length) ctx.workspace({ tool: 'maven', file: pom, members: modules });
}

/** Gradle: build.gradle(.kts) / settings.gradle(.kts), the wrapper (gradlew + wrapper properties), included projects. */
export function detectGradle(ctx: DetectContext): void {
  const builds = [...ctx.named('build.gradle'), ...ctx.named('build.gradle.kts'), ...ctx.named('settings.gradle'), ...ctx.named('settings.gradle.kts')];
  if (!builds.length) return;
  builds.slice(0, 50).forEach((b) => ctx.manifest('gradle', b));
  const rootBuild = ['build.gradle.kts', 'build.gradle', 'settings.gradle.kts', 'settings.gradle'].find((b) => ctx.has(b)) ?? builds[0]!;
  const wrapper = ctx.has('gradlew');
  const props = 'gradle/wrapper/gradle-wrapper.properties';
  const version = /gradle-([\d.]+)-/.exec(ctx.text(props) ?? '')?.[1];
  const g = wrapper ? './gradlew' : 'gradle';
  const how = wrapper ? `Gradle wrapper${version ? ` (Gradle ${version}, ${props})` : ''}` : 'Gradle (no wrapper: needs a gradle install)';
  const origin = (note: string, file = wrapper ? 'gradlew' : rootBuild, line?: number) => fromRepo(file, line, `${how}: ${note}`);
  ctx.command('setup', 'gradle', [g, '--no-daemon', 'dependencies'], origin('resolve dependencies'));
  ctx.command('build', 'gradle', [g, '--no-daemon', 'assemble'], origin('assemble without tests'));
  ctx.command('test', 'gradle', [g, '--no-daemon', 'test'], origin('test task'));
  const text = ['build.gradle.kts', 'build.gradle'].map((f) => ctx.text(f) ?? '').join('\n');
  for (const [re, task] of [
    [/spotless/, 'spotlessCheck'],
    [/checkstyle|ktlint|detekt|pmd/, 'check'],
  ] as const) {
    const line = lineOf(text, re);
    if (line) ctx.command('lint', 'gradle', [g, '--no-daemon', task], origin(`${task} (plugin configured)`, rootBuild, undefined));
  }
  for (const s of ['settings.gradle.kts', 'settings.gradle']) {
    const st = ctx.text(s);
    if (st === undefined) continue;
    const members = [...st.matchAll(/include\s*\(?([^)\n]+)\)?/g)]
      .flatMap((m) => [...m[1]!.matchAll(/["']:?([^"']+)["']/g)].map((x) => x[1]!.replace(/:/g, '/')));
    if (members.length) ctx.workspace({ tool: 'gradle', file: s, members });
  }
}
