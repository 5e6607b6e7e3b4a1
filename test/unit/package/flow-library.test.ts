/**
 * Offline re-creation of the Node-RED Flow Library scorecard (node-red-dev cannot run offline), plus
 * the editor conventions of docs/architecture.md. Reads package.json, nodes/, the build output in
 * dist/nodes (run `npm run build` first; `npm test` does), icons/, locales/, flows/ and examples/.
 */
import assert from 'assert';
import fs from 'fs';
import path from 'path';

// semver comes with node-red (no type declarations installed).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const semver: { satisfies(v: string, range: string): boolean; validRange(range: string): string | null } = require('semver');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nodeMap: Record<string, string> = pkg['node-red']?.nodes ?? {};
const types = Object.keys(nodeMap);

function read(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8');
}

/** The editor definition of a type from its .html: category, icon, whether it is a config node. */
function editorDef(type: string): { html: string; category?: string; icon?: string; color?: string } {
  const file = path.join(ROOT, 'nodes', `${type}.html`);
  assert.ok(fs.existsSync(file), `nodes/${type}.html is missing`);
  const html = fs.readFileSync(file, 'utf8');
  const reg = new RegExp(`RED\\.nodes\\.registerType\\(\\s*['"]${type}['"]\\s*,\\s*\\{([\\s\\S]*)`).exec(html);
  assert.ok(reg, `nodes/${type}.html does not call RED.nodes.registerType('${type}', {...})`);
  const body = reg[1];
  const prop = (name: string) => new RegExp(`\\b${name}\\s*:\\s*['"]([^'"]+)['"]`).exec(body)?.[1];
  return { html, category: prop('category'), icon: prop('icon'), color: prop('color') };
}

function isConfig(type: string): boolean {
  return editorDef(type).category === 'config';
}

function flowFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(abs, f));
}

describe('package: Flow Library readiness (offline scorecard)', () => {
  it('is named node-red-contrib-* and has the node-red keyword', () => {
    assert.match(pkg.name, /^node-red-contrib-[a-z0-9-]+$/);
    assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.includes('node-red'), 'keywords must include "node-red"');
  });

  it('declares a license, a repository and a description', () => {
    assert.ok(typeof pkg.license === 'string' && /^[A-Za-z0-9.+-]+$/.test(pkg.license), 'SPDX license id');
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    assert.ok(typeof repo === 'string' && repo.length > 0, 'repository.url');
    assert.ok(typeof pkg.description === 'string' && pkg.description.length > 20);
  });

  it('node-red.version admits Node-RED 4.1 and 5; engines.node admits Node 20 and 22', () => {
    const nr = pkg['node-red']?.version;
    assert.ok(nr && semver.validRange(nr), `node-red.version: ${nr}`);
    for (const v of ['4.1.0', '4.1.15', '5.0.0', '5.0.7']) assert.ok(semver.satisfies(v, nr), `node-red.version ${nr} must admit ${v}`);
    assert.ok(!semver.satisfies('3.1.0', nr), 'Node-RED 3 lacks what the package uses; the range should not admit it');
    const node = pkg.engines?.node;
    assert.ok(node && semver.validRange(node), `engines.node: ${node}`);
    for (const v of ['20.0.0', '20.19.0', '22.0.0', '22.12.0']) assert.ok(semver.satisfies(v, node), `engines.node ${node} must admit ${v}`);
  });

  it('has at most six runtime dependencies (or says why in the README)', () => {
    const deps = Object.keys(pkg.dependencies ?? {});
    const readme = read('README.md');
    assert.ok(deps.length <= 6 || /dependenc(y|ies)[^\n]*(because|why|needed)/i.test(readme), `${deps.length} runtime dependencies: ${deps.join(', ')}`);
    assert.ok(!deps.includes('node-red'), 'node-red must not be a runtime dependency');
  });

  it('every node module calls registerType once, with a literal type equal to its package.json key', () => {
    const seen = new Map<string, string>();
    for (const type of types) {
      const src = path.join('nodes', `${type}.ts`);
      assert.ok(fs.existsSync(path.join(ROOT, src)), `${src} is missing`);
      const text = read(src);
      const calls = text.match(/\.registerType\s*\(/g) ?? [];
      const literal = [...text.matchAll(/RED\.nodes\.registerType\(\s*(['"])([^'"]+)\1\s*,\s*[A-Za-z_$]/g)].map((m) => m[2]);
      assert.strictEqual(calls.length, 1, `${src}: ${calls.length} registerType calls`);
      assert.deepStrictEqual(literal, [type], `${src} must call RED.nodes.registerType('${type}', Constructor...) with a literal type`);
      assert.ok(/export\s*=\s*function\s*\(\s*RED\b/.test(text), `${src} must end with export = function (RED) {...}`);
      assert.ok(!seen.has(type), `type ${type} registered twice`);
      seen.set(type, src);
    }
    // No node file outside package.json registers a type.
    for (const f of fs.readdirSync(path.join(ROOT, 'nodes')).filter((x) => x.endsWith('.ts'))) {
      if (/registerType\s*\(/.test(read(path.join('nodes', f)))) assert.ok(types.includes(f.replace(/\.ts$/, '')), `nodes/${f} registers a type not listed in package.json`);
    }
  });

  it('type names are unique, lower-case and do not clash with core nodes', () => {
    assert.strictEqual(new Set(types).size, types.length);
    const core = ['inject', 'debug', 'function', 'change', 'switch', 'template', 'http in', 'http request', 'mqtt in', 'delay', 'trigger', 'join', 'split', 'catch', 'status', 'complete', 'link in', 'link out', 'comment'];
    for (const t of types) {
      assert.match(t, /^[a-z][a-z0-9-]*$/);
      assert.ok(!core.includes(t), t);
    }
  });

  it('every listed node file exists after the build, with its editor .html beside it', () => {
    for (const [type, file] of Object.entries(nodeMap)) {
      assert.strictEqual(file, `dist/nodes/${type}.js`);
      assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} missing: run npm run build`);
      assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'nodes', `${type}.html`)), `dist/nodes/${type}.html missing`);
      const js = read(file);
      assert.ok(/module\.exports\s*=\s*function/.test(js) && !/exports\.default\s*=/.test(js), `${file} must export the function itself (export =)`);
    }
    for (const f of pkg.files as string[]) {
      if (['dist/lib', 'dist/nodes', 'resources', 'examples'].includes(f)) assert.ok(fs.existsSync(path.join(ROOT, f)), `files entry ${f} does not exist`);
    }
  });

  it('every palette node is in category Odoo with the family colour and an icon that exists', () => {
    const colours: Record<string, string> = {
      'odoo-read': '#C7A4C0', 'odoo-write': '#C7A4C0', 'odoo-call': '#C7A4C0', 'odoo-trigger': '#C7A4C0',
      'crm-trigger': '#F3B98B', 'crm-update': '#F3B98B', mapper: '#B9D3E3', dedupe: '#B9D3E3', retry: '#B9D3E3',
    };
    for (const type of types) {
      const def = editorDef(type);
      if (def.category === 'config') continue;
      assert.strictEqual(def.category, 'Odoo', `${type}: category`);
      if (colours[type]) assert.strictEqual(def.color?.toUpperCase(), colours[type].toUpperCase(), `${type}: colour`);
      assert.ok(def.icon, `${type}: no icon`);
      if (!/^(font-awesome\/|node-red\/)/.test(def.icon!)) {
        assert.ok(fs.existsSync(path.join(ROOT, 'icons', def.icon!)), `${type}: icons/${def.icon} missing`);
        assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'icons', def.icon!)), `${type}: dist/nodes/icons/${def.icon} missing after the build`);
      }
    }
  });

  it('every node type has en-US help and messages (source and build)', () => {
    for (const type of types) {
      for (const ext of ['html', 'json']) {
        const rel = path.join('locales', 'en-US', `${type}.${ext}`);
        assert.ok(fs.existsSync(path.join(ROOT, rel)), `${rel} missing`);
        assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'nodes', rel)), `dist/nodes/${rel} missing after the build`);
      }
      const help = read(path.join('locales', 'en-US', `${type}.html`));
      assert.ok(new RegExp(`data-help-name=["']${type}["']`).test(help), `${type}: help must be <script type="text/html" data-help-name="${type}">`);
      const messages = JSON.parse(read(path.join('locales', 'en-US', `${type}.json`)));
      assert.ok(messages[type] && typeof messages[type] === 'object', `${type}.json must have a top-level "${type}" key`);
      if (!isConfig(type)) {
        assert.ok(/<h3>\s*Inputs\s*<\/h3>/i.test(help) || /<h3>\s*Outputs?\s*<\/h3>/i.test(help), `${type}: help lacks Inputs/Outputs sections (core help layout)`);
      }
    }
  });

  it('each editor .html defines its template and loads only resources that exist', () => {
    for (const type of types) {
      const { html } = editorDef(type);
      assert.ok(new RegExp(`data-template-name=["']${type}["']`).test(html), `${type}: no data-template-name template`);
      for (const m of html.matchAll(/<script[^>]*\bsrc=["']([^"']+)["']/g)) {
        const src = m[1];
        const r = /^resources\/([^/]+)\/(.+)$/.exec(src);
        assert.ok(r, `${type}: script src ${src} must be resources/${pkg.name}/...`);
        assert.strictEqual(r[1], pkg.name);
        assert.ok(fs.existsSync(path.join(ROOT, 'resources', r[2])), `${type}: resources/${r[2]} missing (a missing script stops the whole module loading)`);
      }
    }
  });

  it('the examples together use every non-config node type, hold no credentials and are built into examples/', () => {
    const files = flowFiles('flows');
    assert.ok(files.length > 0, 'no flows/*.json');
    const used = new Set<string>();
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const flow = JSON.parse(text);
      assert.ok(Array.isArray(flow), `${f} is not a flow array`);
      for (const n of flow) {
        used.add(n.type);
        assert.ok(!('credentials' in n), `${path.basename(f)}: node ${n.id} carries credentials`);
      }
      const built = path.join(ROOT, 'examples', path.basename(f));
      assert.ok(fs.existsSync(built), `examples/${path.basename(f)} missing after the build`);
    }
    const missing = types.filter((t) => !isConfig(t) && !used.has(t));
    assert.deepStrictEqual(missing, [], `node types no example uses: ${missing.join(', ')}`);
  });
});
