#!/usr/bin/env node
// Places the editor files where Node-RED looks for them, after `tsc` has compiled nodes/ to dist/nodes/:
//   nodes/*.html   -> dist/nodes/        (editor templates, beside each node's .js)
//   icons/*        -> dist/nodes/icons/
//   locales/**     -> dist/nodes/locales/ (help and messages)
//   flows/*.json   -> examples/           (Import > Examples)
// Real copies, not symlinks: `npm pack` drops symlinks.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'nodes');

function copyDir(from, to, filter) {
  if (!fs.existsSync(from)) return 0;
  let count = 0;
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) count += copyDir(src, dst, filter);
    else if (!filter || filter(entry.name)) {
      fs.copyFileSync(src, dst);
      count++;
    }
  }
  return count;
}

fs.mkdirSync(out, { recursive: true });
const html = copyDir(path.join(root, 'nodes'), out, (n) => n.endsWith('.html'));
const icons = copyDir(path.join(root, 'icons'), path.join(out, 'icons'));
const locales = copyDir(path.join(root, 'locales'), path.join(out, 'locales'));
fs.rmSync(path.join(root, 'examples'), { recursive: true, force: true });
const flows = copyDir(path.join(root, 'flows'), path.join(root, 'examples'), (n) => n.endsWith('.json'));
console.log(`assets: ${html} editor files, ${icons} icons, ${locales} locale files, ${flows} example flows`);
