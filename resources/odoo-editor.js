/*
 * node-red-contrib-odoo-crm-bridge: editor widgets shared by the node dialogs (docs/editor.md).
 * Served by Node-RED at resources/node-red-contrib-odoo-crm-bridge/odoo-editor.js.
 *
 *   OdooEditor.validateDomain(text, opts)        -> {ok, errors, warnings, domain}   (pure)
 *   OdooEditor.domainValidator                    -> Node-RED `validate` for a domain property
 *   OdooEditor.checkMapperRules(rules, fields)    -> [{rule, target, level, message}] (pure)
 *   OdooEditor.modelPicker(input, {server})       -> searchable autocomplete over the live models
 *   OdooEditor.fieldPicker(input, {server, model})-> multi-select of the live fields
 *   OdooEditor.domainEditor(input, {server, model, type}) -> validation + condition builder
 *   OdooEditor.mapperTargets(container, {server, model, rules, onPick}) -> target field list + rule checks
 *   OdooEditor.testConnection(button, result, body)
 *
 * The pure parts are a copy of lib/editor/domain.ts and lib/editor/mapper-check.ts (the editor cannot
 * load dist/); test/unit/editor/domain-parity.test.ts runs both over the same cases. The file is
 * included by several node .html files, so it defines OdooEditor once.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) {
    module.exports = factory(root, null);
  } else if (!root.OdooEditor) {
    root.OdooEditor = factory(root, root.jQuery);
  }
})(typeof window !== 'undefined' ? window : this, function (root, $) {
  'use strict';
  var RESOURCE_BASE = 'resources/node-red-contrib-odoo-crm-bridge/';
  var API = 'odoo-crm-bridge/schema/';
  var PASSWORD_PLACEHOLDER = '__PWRD__';

  /* ------------------------------------------------------------------------------------------ */
  /* Domain validation (copy of lib/editor/domain.ts)                                           */
  /* ------------------------------------------------------------------------------------------ */

  var TERM_OPERATORS = ['=', '!=', '<>', '<', '>', '<=', '>=', '=?',
    'like', 'not like', 'ilike', 'not ilike', '=like', '=ilike', 'not =like', 'not =ilike',
    'in', 'not in', 'child_of', 'parent_of', 'any', 'not any'];
  var OPERATOR_SINCE = { 'not =like': 19, 'not =ilike': 19 };
  var MAGIC_FIELDS = ['id', 'display_name', 'create_date', 'create_uid', 'write_date', 'write_uid'];
  var RELATIONAL = ['many2one', 'one2many', 'many2many'];
  var X2MANY = ['one2many', 'many2many'];
  var TEXTUAL = ['char', 'text', 'html', 'selection', 'many2one', 'one2many', 'many2many', 'date', 'datetime', 'reference', 'properties'];
  var NUMERIC = ['integer', 'float', 'monetary'];
  var LIKE_OPS = ['like', 'not like', 'ilike', 'not ilike', '=like', '=ilike', 'not =like', 'not =ilike'];
  var PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

  function has(list, v) { return list.indexOf(v) !== -1; }

  function operatorsForType(type) {
    var eq = ['=', '!=', 'in', 'not in', '=?'];
    var ord = ['<', '>', '<=', '>='];
    var like = ['ilike', 'not ilike', 'like', 'not like', '=like', '=ilike'];
    switch (type) {
      case undefined: case '': return TERM_OPERATORS.slice();
      case 'boolean': return ['=', '!='];
      case 'integer': case 'float': case 'monetary': return eq.concat(ord);
      case 'date': case 'datetime': return eq.concat(ord);
      case 'selection': return eq;
      case 'many2one': return eq.concat(like, ['child_of', 'parent_of', 'any', 'not any']);
      case 'one2many': case 'many2many': return ['in', 'not in', '=', '!='].concat(like, ['any', 'not any']);
      default: return eq.concat(like, ord);
    }
  }

  function issue(list, path, message) { list.push({ path: path, message: message }); }

  function typeName(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'list';
    return typeof v;
  }

  function pythonHint(text) {
    if (/^\s*\[\s*\(/.test(text) || /\bTrue\b|\bFalse\b|\bNone\b/.test(text) || /'/.test(text)) {
      return ' (this looks like a Python domain: write it as JSON, with [ ] instead of ( ), double quotes, and true/false/null instead of True/False/None)';
    }
    return '';
  }

  function parseDomain(text) {
    var trimmed = text.trim();
    if (trimmed === '') return { domain: [] };
    try {
      return { domain: JSON.parse(trimmed) };
    } catch (err) {
      return { error: 'Not valid JSON: ' + err.message + pythonHint(trimmed) };
    }
  }

  function checkValue(field, name, op, value, at, errors, warnings) {
    if (op === 'in' || op === 'not in') {
      if (!Array.isArray(value)) {
        issue(warnings, at, "'" + op + "' expects a list; Odoo will treat " + JSON.stringify(value) + ' as [' + JSON.stringify(value) + ']');
      }
    } else if (op === 'child_of' || op === 'parent_of') {
      if (field && field.type !== 'many2one' && name !== 'id' && !has(X2MANY, field.type)) {
        issue(errors, at, "'" + op + "' needs a relational field; '" + name + "' is " + field.type);
      }
    } else if (has(LIKE_OPS, op)) {
      if (value !== false && value !== null && typeof value !== 'string' && typeof value !== 'number') {
        issue(errors, at, "'" + op + "' expects a text value, got a " + typeName(value));
      } else if (field && !has(TEXTUAL, field.type)) {
        issue(warnings, at, "'" + op + "' on the " + field.type + " field '" + name + "' compares its text form");
      }
    } else if (has(['<', '>', '<=', '>='], op)) {
      if (Array.isArray(value) || (value !== null && typeof value === 'object')) {
        issue(errors, at, "'" + op + "' expects a single value, got a " + typeName(value));
      }
    } else if (has(['=', '!=', '<>', '=?'], op)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        issue(errors, at, "'" + op + "' cannot compare with an object");
      }
    }
    if (!field || value === false || value === null) return;
    var values = Array.isArray(value) && (op === 'in' || op === 'not in') ? value : [value];
    var bad;
    if (has(NUMERIC, field.type) && has(['=', '!=', '<>', '<', '>', '<=', '>=', 'in', 'not in', '=?'], op)) {
      bad = values.find(function (v) {
        return typeof v !== 'number' && !(typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v))) && v !== false;
      });
      if (bad !== undefined) issue(errors, at, "'" + name + "' is " + field.type + ': ' + JSON.stringify(bad) + ' is not a number');
    } else if (field.type === 'boolean' && (op === '=' || op === '!=' || op === '<>')) {
      if (typeof value !== 'boolean' && value !== 0 && value !== 1) {
        issue(errors, at, "'" + name + "' is boolean: compare with true or false, not " + JSON.stringify(value));
      }
    } else if (field.type === 'selection' && has(['=', '!=', '<>', 'in', 'not in', '=?'], op) && Array.isArray(field.selection)) {
      var keys = field.selection.map(function (s) { return Array.isArray(s) ? s[0] : s; });
      bad = values.find(function (v) { return !has(keys, v); });
      if (bad !== undefined) {
        issue(warnings, at, JSON.stringify(bad) + " is not one of the values of '" + name + "' (" + keys.map(function (k) { return JSON.stringify(k); }).join(', ') + ')');
      }
    }
  }

  function walk(domain, opts, base, errors, warnings) {
    var fields = opts.fields;
    var modelText = opts.model ? ' on ' + opts.model : '';
    var available = 0;
    for (var i = domain.length - 1; i >= 0; i--) {
      var el = domain[i];
      var at = base.concat([i]);
      if (typeof el === 'string') {
        if (el === '&' || el === '|') {
          if (available < 2) issue(errors, at, "'" + el + "' needs two conditions after it, found " + available);
          else available -= 1;
        } else if (el === '!') {
          if (available < 1) issue(errors, at, "'!' needs a condition after it");
        } else {
          issue(errors, at, 'Unknown logical operator ' + JSON.stringify(el) + ": use '&', '|' or '!', or a condition [\"field\", \"operator\", value]");
          available += 1;
        }
        continue;
      }
      available += 1;
      if (el === true || el === false) {
        issue(errors, at, 'A bare ' + el + ' is not a condition: write ' + (el ? '[1, "=", 1]' : '[0, "=", 1]'));
        continue;
      }
      if (!Array.isArray(el)) {
        issue(errors, at, 'Each element must be an operator or a condition ["field", "operator", value], got ' + JSON.stringify(el));
        continue;
      }
      if (el.length !== 3) {
        issue(errors, at, 'A condition has three parts ["field", "operator", value], this one has ' + el.length);
        continue;
      }
      var left = el[0], rawOp = el[1], value = el[2];
      if (typeof rawOp !== 'string') {
        issue(errors, at, 'The operator must be a string, got ' + JSON.stringify(rawOp));
        continue;
      }
      var op = rawOp.toLowerCase();
      if (left === 0 || left === 1) {
        if (op !== '=' || value !== 1) issue(errors, at, 'Constant conditions are [1, "=", 1] (true) and [0, "=", 1] (false)');
        continue;
      }
      if (typeof left !== 'string' || !PATH_RE.test(left)) {
        issue(errors, at, 'The field must be a field name or a dotted path like "partner_id.country_id.code", got ' + JSON.stringify(left));
        continue;
      }
      if (!has(TERM_OPERATORS, op)) {
        issue(errors, at, 'Unknown operator ' + JSON.stringify(rawOp) + '; Odoo knows ' + TERM_OPERATORS.join(', '));
        continue;
      }
      var since = OPERATOR_SINCE[op];
      if (since && opts.version && opts.version < since) {
        issue(errors, at, "Operator '" + op + "' needs Odoo " + since + ' or later (this server is ' + opts.version + ')');
        continue;
      }
      var parts = left.split('.');
      var head = parts[0];
      var rest = parts.slice(1);
      var field;
      if (fields) {
        field = Object.prototype.hasOwnProperty.call(fields, head) ? fields[head] : undefined;
        if (!field && !has(MAGIC_FIELDS, head)) {
          issue(errors, at, "Unknown field '" + head + "'" + modelText);
          continue;
        }
        if (field && rest.length > 0 && !has(RELATIONAL, field.type)) {
          issue(errors, at, "'" + head + "' is a " + field.type + " field: it has no sub-field '" + rest.join('.') + "'");
          continue;
        }
      }
      var leafField = rest.length === 0 ? field : undefined;
      if (op === 'any' || op === 'not any') {
        if (field && !has(RELATIONAL, field.type)) {
          issue(errors, at, "'" + op + "' needs a relational field; '" + head + "' is " + field.type);
        } else if (!Array.isArray(value)) {
          issue(errors, at, "'" + op + "' expects a sub-domain (a list of conditions) on the related model");
        } else {
          walk(value, { version: opts.version }, at.concat([2]), errors, warnings);
        }
        continue;
      }
      checkValue(leafField, left, op, value, at, errors, warnings);
    }
  }

  function comparePaths(a, b) {
    for (var i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }

  function validateDomain(input, opts) {
    opts = opts || {};
    var errors = [];
    var warnings = [];
    var domain = input;
    if (typeof input === 'string') {
      var parsed = parseDomain(input);
      if (parsed.error) return { ok: false, errors: [{ path: [], message: parsed.error }], warnings: warnings };
      domain = parsed.domain;
    }
    if (domain === undefined || domain === null) domain = [];
    if (!Array.isArray(domain)) {
      return { ok: false, errors: [{ path: [], message: 'A domain is a list of conditions, e.g. [["state", "=", "sale"]], got a ' + typeName(domain) }], warnings: warnings };
    }
    walk(domain, opts, [], errors, warnings);
    errors.sort(function (a, b) { return comparePaths(a.path, b.path); });
    warnings.sort(function (a, b) { return comparePaths(a.path, b.path); });
    return { ok: errors.length === 0, errors: errors, warnings: warnings, domain: domain };
  }

  function describeDomainErrors(check) {
    if (check.ok) return '';
    var first = check.errors[0];
    var where = first.path.length ? 'element ' + first.path.map(function (p) { return p + 1; }).join(' > ') + ': ' : '';
    var more = check.errors.length > 1 ? ' (+' + (check.errors.length - 1) + ' more)' : '';
    return where + first.message + more;
  }

  function nodeRedDomainValidator(value) {
    if (value === undefined || value === null) return true;
    var check = validateDomain(value);
    return check.ok ? true : describeDomainErrors(check);
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Mapper rule checks (copy of lib/editor/mapper-check.ts)                                    */
  /* ------------------------------------------------------------------------------------------ */

  var MAPPER_MAGIC = ['id', 'display_name', 'create_uid', 'create_date', 'write_uid', 'write_date', '__last_update'];
  var DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
  var DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
  var TRANSFORM_KIND = {
    trim: 'string', lower: 'string', upper: 'string', string: 'string', firstname: 'string', lastname: 'string',
    number: 'number', integer: 'integer', boolean: 'boolean', date: 'datetime-text', dateonly: 'date-text'
  };

  function kindOf(v) {
    if (v === null || v === undefined || v === false) return 'empty';
    if (typeof v === 'string') {
      if (DATETIME_RE.test(v)) return 'datetime-text';
      if (DATE_RE.test(v)) return 'date-text';
      return 'string';
    }
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
    if (typeof v === 'boolean') return 'boolean';
    if (Array.isArray(v)) return 'list';
    return 'object';
  }

  function ruleOutput(rule) {
    var transforms = Array.isArray(rule.transforms) ? rule.transforms.map(String) : [];
    for (var i = transforms.length - 1; i >= 0; i--) {
      var k = TRANSFORM_KIND[transforms[i]];
      if (k) return { kinds: [k] };
    }
    switch (rule.source) {
      case 'constant': return { kinds: [kindOf(rule.value)], literals: [rule.value] };
      case 'template': return { kinds: ['string'] };
      case 'map': {
        var values = rule.map && typeof rule.map === 'object' && !Array.isArray(rule.map)
          ? Object.keys(rule.map).map(function (key) { return rule.map[key]; }) : [];
        if (rule.mapDefault !== undefined) values.push(rule.mapDefault);
        if (values.length === 0) return { kinds: ['unknown'] };
        var kinds = [];
        values.map(kindOf).forEach(function (kd) { if (!has(kinds, kd)) kinds.push(kd); });
        return { kinds: kinds, literals: values };
      }
      default: return { kinds: ['unknown'] };
    }
  }

  function misfit(fieldType, kind) {
    if (kind === 'unknown' || kind === 'empty') return '';
    var textish = kind === 'string' || kind === 'date-text' || kind === 'datetime-text';
    switch (fieldType) {
      case 'char': case 'text': case 'html': case 'binary': case 'image':
        return textish ? '' : 'a ' + fieldType + ' field takes text, this rule gives a ' + kind + ' (add the "string" transform)';
      case 'integer':
        if (kind === 'integer') return '';
        if (kind === 'number') return 'an integer field takes whole numbers, this rule may give decimals (use the "integer" transform)';
        return 'an integer field takes a number, this rule gives ' + (textish ? 'text' : 'a ' + kind) + ' (add the "integer" transform)';
      case 'float': case 'monetary':
        return kind === 'number' || kind === 'integer' ? '' : 'a ' + fieldType + ' field takes a number, this rule gives ' + (textish ? 'text' : 'a ' + kind) + ' (add the "number" transform)';
      case 'boolean':
        return kind === 'boolean' ? '' : 'a boolean field takes true/false, this rule gives ' + (textish ? 'text' : 'a ' + kind) + ' (add the "boolean" transform)';
      case 'date':
        if (kind === 'date-text') return '';
        if (kind === 'datetime-text') return "a date field takes 'YYYY-MM-DD', this rule gives a date and time (use the \"dateonly\" transform)";
        return kind === 'string' ? '' : "a date field takes 'YYYY-MM-DD' text, this rule gives a " + kind + ' (use the "dateonly" transform)';
      case 'datetime':
        if (kind === 'datetime-text') return '';
        if (kind === 'date-text') return "a datetime field takes 'YYYY-MM-DD HH:MM:SS', this rule gives a date only (use the \"date\" transform)";
        return kind === 'string' ? '' : "a datetime field takes 'YYYY-MM-DD HH:MM:SS' text, this rule gives a " + kind + ' (use the "date" transform)';
      case 'many2one':
        return kind === 'integer' ? '' : 'a many2one field takes a record id (a whole number), this rule gives ' + (textish ? 'text' : 'a ' + kind) + '; look the id up first (odoo-read, or upsert the related record)';
      case 'one2many': case 'many2many':
        return kind === 'list' ? '' : 'a ' + fieldType + ' field takes a list of ids or Odoo commands, this rule gives ' + (textish ? 'text' : 'a ' + kind);
      case 'selection':
        return textish || kind === 'integer' ? '' : 'a selection field takes one of its values, this rule gives a ' + kind;
      default:
        return '';
    }
  }

  function checkMapperRules(rules, fieldsIn, opts) {
    opts = opts || {};
    var fields = {};
    if (Array.isArray(fieldsIn)) fieldsIn.forEach(function (f) { fields[f.name] = f; });
    else fields = fieldsIn || {};
    var issues = [];
    var on = opts.model ? ' on ' + opts.model : '';
    var set = {};
    (Array.isArray(rules) ? rules : []).forEach(function (r, i) {
      if (!r || typeof r !== 'object') return;
      var target = typeof r.target === 'string' ? r.target.trim() : '';
      if (!target) {
        issues.push({ rule: i, target: target, level: 'error', message: 'the rule has no target field' });
        return;
      }
      var parts = target.split('.');
      var head = parts[0];
      var rest = parts.slice(1);
      set[head] = true;
      var f = Object.prototype.hasOwnProperty.call(fields, head) ? fields[head] : undefined;
      if (!f) {
        issues.push({ rule: i, target: target, level: 'error', message: has(MAPPER_MAGIC, head) ? "'" + head + "' is set by Odoo and cannot be written" : "no field '" + head + "'" + on });
        return;
      }
      if (rest.length) {
        if (!has(RELATIONAL, f.type)) issues.push({ rule: i, target: target, level: 'error', message: "'" + head + "' is a " + f.type + " field: it has no sub-field '" + rest.join('.') + "'" });
        return;
      }
      if (f.readonly) issues.push({ rule: i, target: target, level: 'warning', message: "'" + head + "' is read-only in Odoo's forms (the API still writes it)" });
      var out = ruleOutput(r);
      for (var k = 0; k < out.kinds.length; k++) {
        var why = misfit(f.type, out.kinds[k]);
        if (why) {
          issues.push({ rule: i, target: target, level: 'error', message: "'" + head + "' (" + f.type + '): ' + why });
          return;
        }
      }
      var keys = f.type === 'selection' && Array.isArray(f.selection) ? f.selection.map(function (s) { return Array.isArray(s) ? s[0] : s; }) : undefined;
      var bad;
      if (keys && out.literals) {
        bad = out.literals.find(function (v) { return v !== false && v !== null && v !== undefined && !has(keys, v); });
        if (bad !== undefined) {
          issues.push({ rule: i, target: target, level: 'error', message: JSON.stringify(bad) + " is not a value of '" + head + "' (" + keys.map(function (x) { return JSON.stringify(x); }).join(', ') + ')' });
          return;
        }
      }
      if ((f.type === 'date' || f.type === 'datetime') && out.literals) {
        var re = f.type === 'date' ? DATE_RE : DATETIME_RE;
        bad = out.literals.find(function (v) { return typeof v === 'string' && !re.test(v); });
        if (bad !== undefined) issues.push({ rule: i, target: target, level: 'error', message: JSON.stringify(bad) + ' is not ' + (f.type === 'date' ? "'YYYY-MM-DD'" : "'YYYY-MM-DD HH:MM:SS'") });
      }
    });
    if ((opts.mode || 'create') === 'create') {
      Object.keys(fields).forEach(function (name) {
        var f = fields[name];
        if (f.required && !set[name] && !has(MAPPER_MAGIC, name)) {
          issues.push({ rule: -1, target: name, level: 'warning', message: "required field '" + name + "'" + (f.string ? ' (' + f.string + ')' : '') + ' has no rule: creating a record will fail unless Odoo has a default' });
        }
      });
    }
    return issues;
  }

  var lib = {
    version: 1,
    TERM_OPERATORS: TERM_OPERATORS,
    operatorsForType: operatorsForType,
    parseDomain: parseDomain,
    validateDomain: validateDomain,
    describeDomainErrors: describeDomainErrors,
    nodeRedDomainValidator: nodeRedDomainValidator,
    checkMapperRules: checkMapperRules,
    kindOf: kindOf,
    misfit: misfit
  };

  /**
   * Node-RED `validate` for a domain property, used as `validate: OdooEditor.domainValidator('domainType')`
   * (or with no argument for a plain JSON property). Only JSON values are checked: a domain taken from
   * msg/flow/global/env/JSONata is checked at run time.
   */
  lib.domainValidator = function (typeProperty) {
    // Two parameters: Node-RED (3.x+) only treats a returned message as "invalid" for (value, opt) validators.
    // eslint-disable-next-line no-unused-vars
    return function (v, opt) {
      var t = typeProperty ? this[typeProperty] : 'json';
      if (t && t !== 'json') return true;
      return nodeRedDomainValidator(v);
    };
  };

  if (!$) return lib; // Node.js (tests): the pure functions only.

  /* ------------------------------------------------------------------------------------------ */
  /* Editor side: schema requests                                                               */
  /* ------------------------------------------------------------------------------------------ */

  (function addCss() {
    if (document.getElementById('odoo-editor-css')) return;
    var link = document.createElement('link');
    link.id = 'odoo-editor-css';
    link.rel = 'stylesheet';
    link.href = RESOURCE_BASE + 'odoo-editor.css';
    document.head.appendChild(link);
  })();

  function resolve(ref) {
    if (typeof ref === 'function') return ref();
    if (typeof ref === 'string') {
      var el = $(ref);
      return el.length ? getValue(el) : ref;
    }
    return ref;
  }

  /**
   * The request body naming an odoo-server config node: its id plus the values the editor holds for it
   * (also when it is new and not deployed yet). The password is never read back from the server: the
   * placeholder tells it to use the stored one.
   */
  function connectionBody(serverId) {
    if (!serverId || serverId === '_ADD_') return null;
    var body = { server: serverId };
    var cfg = root.RED && root.RED.nodes ? root.RED.nodes.node(serverId) : null;
    if (cfg) {
      body.url = cfg.url || '';
      body.db = cfg.db || '';
      body.protocol = cfg.protocol || 'auto';
      var c = cfg.credentials || {};
      if (c.username !== undefined) body.username = c.username;
      body.password = c.password ? c.password : PASSWORD_PLACEHOLDER;
    }
    return body;
  }

  var answers = {};
  function post(action, body, noCache) {
    var key = action + JSON.stringify(body);
    var hit = answers[key];
    if (!noCache && hit && Date.now() - hit.at < 30000) return hit.promise;
    var promise = new Promise(function (resolveP, reject) {
      $.ajax({
        url: API + action,
        method: 'POST',
        contentType: 'application/json',
        data: JSON.stringify(body),
        dataType: 'json',
        timeout: 30000
      }).done(resolveP).fail(function (xhr, status) {
        var msg = (xhr.responseJSON && xhr.responseJSON.error) || (status === 'timeout' ? 'The Node-RED server did not answer' : xhr.statusText || 'Request failed');
        var err = new Error(msg);
        err.status = xhr.status;
        reject(err);
      });
    });
    answers[key] = { at: Date.now(), promise: promise };
    promise.catch(function () { if (answers[key] && answers[key].promise === promise) delete answers[key]; });
    return promise;
  }

  lib.connectionBody = connectionBody;
  lib.api = {
    models: function (serverId, opts) {
      var body = connectionBody(serverId);
      if (!body) return Promise.reject(new Error('Choose an Odoo server first'));
      return post('models', body, opts && opts.refresh).then(function (r) { return r.models; });
    },
    fields: function (serverId, model, opts) {
      var body = connectionBody(serverId);
      if (!body) return Promise.reject(new Error('Choose an Odoo server first'));
      if (!model) return Promise.reject(new Error('Choose a model first'));
      return post('fields', $.extend({ model: model }, body), opts && opts.refresh).then(function (r) { return r.fields; });
    },
    test: function (body) { return post('test', body, true); }
  };

  /* ------------------------------------------------------------------------------------------ */
  /* Small DOM helpers                                                                          */
  /* ------------------------------------------------------------------------------------------ */

  function esc(s) { return $('<div>').text(s == null ? '' : String(s)).html(); }

  function hint(anchor, cls) {
    var h = anchor.data('odoo-hint');
    if (!h) {
      h = $('<div class="odoo-ed-hint"></div>').addClass(cls || '');
      anchorOf(anchor).after(h);
      anchor.data('odoo-hint', h);
    }
    return h;
  }

  function setHint(h, text, level) {
    h.removeClass('odoo-ed-error odoo-ed-warning odoo-ed-ok odoo-ed-busy').text(text || '');
    if (level) h.addClass('odoo-ed-' + level);
    h.toggle(!!text);
  }

  function markInput(input, bad, title) {
    input.toggleClass('input-error', !!bad).toggleClass('odoo-ed-invalid', !!bad);
    var tc = typedContainer(input);
    tc.toggleClass('input-error', !!bad).toggleClass('odoo-ed-invalid', !!bad);
    if (bad) input.attr('title', title || ''); else input.removeAttr('title');
  }

  function fieldIndex(list) {
    var map = {};
    (list || []).forEach(function (f) { map[f.name] = f; });
    return map;
  }

  /*
   * A TypedInput hides the original input (type=hidden) and puts a new visible text box in a container
   * right after it; the original is kept in sync on change/keyup. Widgets listen to and position on the
   * visible box, and read/write values through the TypedInput API.
   */
  function typedContainer(input) {
    var c = input.next('.red-ui-typedInput-container');
    return c.length ? c : input.closest('.red-ui-typedInput-container');
  }
  function isTyped(input) { return typedContainer(input).length > 0 && typeof input.typedInput === 'function'; }
  function typedType(input) { return isTyped(input) ? input.typedInput('type') : undefined; }
  function visibleInput(input) {
    if (!isTyped(input)) return input;
    var v = typedContainer(input).find('input.red-ui-typedInput-input').first();
    return v.length ? v : input;
  }
  function getValue(input) { return isTyped(input) ? visibleInput(input).val() : input.val(); }
  function setValue(input, v) {
    if (isTyped(input)) input.typedInput('value', v); else input.val(v);
    input.trigger('change');
  }
  /** The element after which helper rows go: the TypedInput container, or the input. */
  function anchorOf(input) { var c = typedContainer(input); return c.length ? c : input; }

  /* ------------------------------------------------------------------------------------------ */
  /* Dropdown list under an input                                                               */
  /* ------------------------------------------------------------------------------------------ */

  function dropdown(input, onPick) {
    // On the body: a TypedInput clips what is inside it.
    $('.odoo-ed-menu').each(function () {
      var owner = $(this).data('owner');
      if (!owner || !document.body.contains(owner[0])) $(this).remove();
    });
    var menu = $('<div class="odoo-ed-menu" role="listbox"></div>').hide().data('owner', input).appendTo(document.body);
    var active = -1;
    function items() { return menu.children('.odoo-ed-item'); }
    function highlight(i) {
      var list = items();
      if (!list.length) return;
      active = (i + list.length) % list.length;
      list.removeClass('selected').eq(active).addClass('selected');
      var el = list.get(active);
      if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
    }
    menu.on('mousedown', '.odoo-ed-item', function (evt) {
      evt.preventDefault();
      onPick($(this).attr('data-value'));
      menu.hide();
    });
    input.on('keydown.odoo-ed', function (evt) {
      if (!menu.is(':visible')) return;
      if (evt.key === 'ArrowDown') { highlight(active + 1); evt.preventDefault(); }
      else if (evt.key === 'ArrowUp') { highlight(active - 1); evt.preventDefault(); }
      else if (evt.key === 'Enter') {
        var sel = items().eq(active < 0 ? 0 : active);
        if (sel.length) { onPick(sel.attr('data-value')); menu.hide(); evt.preventDefault(); evt.stopPropagation(); }
      } else if (evt.key === 'Escape') { menu.hide(); evt.stopPropagation(); evt.preventDefault(); }
    });
    input.on('blur.odoo-ed', function () { setTimeout(function () { menu.hide(); }, 150); });
    return {
      show: function (rows, emptyText) {
        menu.empty();
        active = -1;
        if (!rows.length) {
          menu.append($('<div class="odoo-ed-empty"></div>').text(emptyText || 'No match'));
        } else {
          rows.slice(0, 200).forEach(function (r) {
            var item = $('<div class="odoo-ed-item" role="option"></div>').attr('data-value', r.value);
            item.append($('<span class="odoo-ed-item-value"></span>').text(r.value));
            if (r.label) item.append($('<span class="odoo-ed-item-label"></span>').text(r.label));
            if (r.badge) item.append($('<span class="odoo-ed-badge"></span>').text(r.badge));
            menu.append(item);
          });
          if (rows.length > 200) menu.append($('<div class="odoo-ed-empty"></div>').text((rows.length - 200) + ' more: type to narrow'));
        }
        var box = input.closest('.red-ui-typedInput-container');
        if (!box.length) box = input;
        var off = box.offset();
        menu.css({ top: off.top + box.outerHeight(), left: off.left, minWidth: box.outerWidth() }).show();
      },
      hide: function () { menu.hide(); },
      element: menu
    };
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Model picker                                                                               */
  /* ------------------------------------------------------------------------------------------ */

  /**
   * Searchable autocomplete over the live models of the chosen odoo-server.
   * opts.server: selector/function giving the config node id (default '#node-input-server').
   * opts.onChange(model): called when a model is picked.
   */
  lib.modelPicker = function (inputRef, opts) {
    opts = opts || {};
    var field = $(inputRef);
    var input = visibleInput(field);
    var serverRef = opts.server || '#node-input-server';
    input.addClass('odoo-ed-model-input').attr('autocomplete', 'off');
    var h = hint(input);
    var models = null;
    var loadedFor = null;
    function describe() {
      var v = getValue(field);
      var t = typedType(field);
      if (!models || !v || (t && t !== 'str')) return setHint(h, '');
      var m = models.find(function (x) { return x.model === v; });
      if (m) setHint(h, m.name, 'ok');
      else if (/\{\{|\$\{/.test(v)) setHint(h, '');
      else setHint(h, "'" + v + "' is not a model of this Odoo", 'warning');
    }
    var menu = dropdown(input, function (value) {
      setValue(field, value);
      describe();
      if (opts.onChange) opts.onChange(value);
    });
    function load(refresh) {
      var server = resolve(serverRef);
      if (!server || server === '_ADD_') {
        models = null;
        setHint(h, 'Choose an Odoo server to list its models', 'warning');
        return Promise.resolve(null);
      }
      if (models && loadedFor === server && !refresh) return Promise.resolve(models);
      setHint(h, 'Loading models…', 'busy');
      return lib.api.models(server, { refresh: refresh }).then(function (list) {
        models = list;
        loadedFor = server;
        describe();
        return list;
      }, function (err) {
        models = null;
        setHint(h, err.message, 'error');
        return null;
      });
    }
    function show() {
      var t = typedType(field);
      if (t && t !== 'str') { menu.hide(); return; }
      load().then(function (list) {
        if (!list || !input.is(':focus')) return;
        var q = String(input.val() || '').trim().toLowerCase();
        var rows = list.filter(function (m) {
          return !q || m.model.toLowerCase().indexOf(q) !== -1 || m.name.toLowerCase().indexOf(q) !== -1;
        });
        rows.sort(function (a, b) {
          var sa = a.model.toLowerCase().indexOf(q) === 0 ? 0 : 1;
          var sb = b.model.toLowerCase().indexOf(q) === 0 ? 0 : 1;
          return sa - sb || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0);
        });
        menu.show(rows.map(function (m) { return { value: m.model, label: m.name }; }), 'No model matches "' + q + '"');
      });
    }
    input.on('focus.odoo-ed input.odoo-ed', show);
    field.on('change.odoo-ed', function () { describe(); if (opts.onChange) opts.onChange(getValue(field)); });
    $(typeof serverRef === 'string' ? serverRef : []).on('change.odoo-ed', function () { models = null; load(); });
    load();
    return { reload: function () { return load(true); }, models: function () { return models; }, input: input };
  };

  /* ------------------------------------------------------------------------------------------ */
  /* Field picker                                                                               */
  /* ------------------------------------------------------------------------------------------ */

  function readNames(text) {
    text = String(text || '').trim();
    if (!text) return [];
    if (text.charAt(0) === '[') {
      try {
        var arr = JSON.parse(text);
        if (Array.isArray(arr)) return arr.map(String);
      } catch (e) { /* fall through to comma-separated */ }
    }
    return text.split(/[\s,]+/).filter(Boolean);
  }

  function writeNames(input, names, asJson) {
    setValue(input, asJson ? JSON.stringify(names) : names.join(','));
  }

  /**
   * Multi-select (or single with opts.multiple === false) of the model's live fields, with search,
   * type and required flag. The input keeps a comma-separated list (or a JSON array if it held one).
   * opts.server, opts.model: selectors/functions (defaults '#node-input-server', '#node-input-model').
   */
  lib.fieldPicker = function (inputRef, opts) {
    opts = opts || {};
    var input = $(inputRef);
    var serverRef = opts.server || '#node-input-server';
    var modelRef = opts.model || '#node-input-model';
    var multiple = opts.multiple !== false;
    var button = $('<button type="button" class="red-ui-button odoo-ed-pick-btn" title="Pick fields from Odoo"><i class="fa fa-list-ul"></i></button>');
    anchorOf(input).after(button);
    var panel = $('<div class="odoo-ed-panel odoo-ed-field-panel"></div>').hide();
    button.after(panel);
    var search = $('<input type="text" class="odoo-ed-panel-search" placeholder="Search fields by name, label or type">').appendTo(panel);
    var status = $('<div class="odoo-ed-hint"></div>').appendTo(panel);
    var list = $('<div class="odoo-ed-field-list"></div>').appendTo(panel);
    var fields = null;

    function render() {
      list.empty();
      if (!fields) return;
      var q = String(search.val() || '').trim().toLowerCase();
      var chosen = readNames(getValue(input));
      var rows = fields.filter(function (f) {
        return !q || f.name.toLowerCase().indexOf(q) !== -1 || f.string.toLowerCase().indexOf(q) !== -1 || f.type.indexOf(q) === 0;
      });
      rows.forEach(function (f) {
        var row = $('<label class="odoo-ed-field"></label>').attr('data-field', f.name);
        var box = $('<input type="' + (multiple ? 'checkbox' : 'radio') + '" name="odoo-ed-field-pick">').prop('checked', has(chosen, f.name));
        row.append(box);
        row.append($('<span class="odoo-ed-field-name"></span>').text(f.name));
        row.append($('<span class="odoo-ed-field-label"></span>').text(f.string));
        row.append($('<span class="odoo-ed-badge"></span>').text(f.type + (f.relation ? ' → ' + f.relation : '')));
        if (f.required) row.append($('<span class="odoo-ed-required" title="required">required</span>'));
        box.on('change', function () {
          var names = readNames(getValue(input));
          var asJson = typedType(input) === 'json' || String(getValue(input) || '').trim().charAt(0) === '[';
          if (!multiple) {
            writeNames(input, [f.name], false);
            panel.hide();
            return;
          }
          if (box.prop('checked')) { if (!has(names, f.name)) names.push(f.name); }
          else names = names.filter(function (n) { return n !== f.name; });
          writeNames(input, names, asJson);
        });
        list.append(row);
      });
      setHint(status, rows.length ? rows.length + ' of ' + fields.length + ' fields' : 'No field matches', rows.length ? '' : 'warning');
    }

    function load(refresh) {
      var server = resolve(serverRef);
      var model = resolve(modelRef);
      if (!server || server === '_ADD_') { fields = null; setHint(status, 'Choose an Odoo server first', 'warning'); list.empty(); return Promise.resolve(null); }
      if (!model) { fields = null; setHint(status, 'Choose a model first', 'warning'); list.empty(); return Promise.resolve(null); }
      setHint(status, 'Loading fields of ' + model + '…', 'busy');
      return lib.api.fields(server, model, { refresh: refresh }).then(function (f) { fields = f; render(); return f; },
        function (err) { fields = null; list.empty(); setHint(status, err.message, 'error'); return null; });
    }
    button.on('click', function (evt) {
      evt.preventDefault();
      if (panel.is(':visible')) { panel.hide(); return; }
      var t = typedType(input);
      if (t && t !== 'str' && t !== 'json') { panel.show(); list.empty(); setHint(status, 'Fields come from ' + t + ' at run time: switch the type to a list to pick them', 'warning'); return; }
      panel.show();
      load().then(function () { search.trigger('focus'); });
    });
    search.on('input', render);
    input.on('change.odoo-ed-fields', function () { if (panel.is(':visible')) render(); });
    return { open: function () { if (!panel.is(':visible')) button.trigger('click'); }, reload: function () { return load(true); }, panel: panel, button: button };
  };

  /* ------------------------------------------------------------------------------------------ */
  /* Domain editor                                                                              */
  /* ------------------------------------------------------------------------------------------ */

  /**
   * Validates the domain as it is typed (JSON syntax, prefix notation, operators, and the model's
   * field names once they are loaded), marks the input red with the reason below it, and offers a
   * condition builder (field, operator, value -> appended to the domain).
   * opts.type: selector/function giving the TypedInput type (only 'json' is checked).
   */
  lib.domainEditor = function (inputRef, opts) {
    opts = opts || {};
    var input = $(inputRef);
    var serverRef = opts.server || '#node-input-server';
    var modelRef = opts.model || '#node-input-model';
    var typeRef = opts.type;
    var h = hint(input, 'odoo-ed-domain-msg');
    var fields = null;
    var version = opts.version;
    var builder = $('<div class="odoo-ed-domain-builder"></div>');
    var fieldSel = $('<select class="odoo-ed-cond-field"><option value="">field…</option></select>').appendTo(builder);
    var opSel = $('<select class="odoo-ed-cond-op"></select>').appendTo(builder);
    var valueIn = $('<input type="text" class="odoo-ed-cond-value" placeholder="value (JSON: &quot;text&quot;, 42, true, [1,2])">').appendTo(builder);
    var add = $('<button type="button" class="red-ui-button odoo-ed-cond-add"><i class="fa fa-plus"></i> condition</button>').appendTo(builder);
    h.after(builder);

    function currentType() {
      if (!typeRef) return isTyped(input) ? input.typedInput('type') : 'json';
      return resolve(typeRef);
    }
    function text() { return getValue(input); }
    function fillOps() {
      var f = fields && fields[fieldSel.val()];
      opSel.empty();
      operatorsForType(f ? f.type : undefined).forEach(function (op) { opSel.append($('<option>').val(op).text(op)); });
    }
    function check() {
      var t = currentType();
      builder.toggle(!t || t === 'json');
      if (t && t !== 'json') { markInput(input, false); setHint(h, ''); return true; }
      var r = validateDomain(text() || '', { fields: fields || undefined, version: version, model: resolve(modelRef) });
      if (!r.ok) {
        var msg = describeDomainErrors(r);
        markInput(input, true, msg);
        setHint(h, msg, 'error');
      } else if (r.warnings.length) {
        markInput(input, false);
        setHint(h, r.warnings[0].message, 'warning');
      } else {
        markInput(input, false);
        var n = (r.domain || []).filter(function (x) { return Array.isArray(x); }).length;
        setHint(h, n ? 'Valid domain: ' + n + ' condition' + (n > 1 ? 's' : '') + (fields ? ', fields checked' : '') : 'Empty domain: matches every record', 'ok');
      }
      return r.ok;
    }
    function loadFields() {
      var server = resolve(serverRef);
      var model = resolve(modelRef);
      if (!server || server === '_ADD_' || !model) { fields = null; fieldSel.find('option:not(:first)').remove(); check(); return Promise.resolve(null); }
      return lib.api.fields(server, model).then(function (list) {
        fields = fieldIndex(list);
        fieldSel.find('option:not(:first)').remove();
        list.forEach(function (f) { fieldSel.append($('<option>').val(f.name).text(f.name + ' (' + f.type + ')')); });
        fillOps();
        check();
        return fields;
      }, function () { fields = null; check(); return null; });
    }
    fieldSel.on('change', fillOps);
    add.on('click', function (evt) {
      evt.preventDefault();
      var name = fieldSel.val();
      if (!name) { setHint(h, 'Choose a field for the condition', 'warning'); return; }
      var raw = String(valueIn.val() || '').trim();
      var value;
      try { value = raw === '' ? false : JSON.parse(raw); } catch (e) { value = raw; }
      var parsed = parseDomain(text() || '');
      var list = parsed.error || !Array.isArray(parsed.domain) ? null : parsed.domain;
      if (!list) { setHint(h, 'Fix the domain before adding to it', 'error'); return; }
      list.push([name, opSel.val(), value]);
      var out = '[' + list.map(function (x) { return JSON.stringify(x); }).join(', ') + ']';
      setValue(input, out);
      valueIn.val('');
      check();
    });
    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(check, 120); }
    input.on('change.odoo-ed keyup.odoo-ed input.odoo-ed', later);
    if (isTyped(input)) visibleInput(input).on('input.odoo-ed keyup.odoo-ed', later);
    if (typeof typeRef === 'string') $(typeRef).on('change.odoo-ed', later);
    $(typeof modelRef === 'string' ? modelRef : []).on('change.odoo-ed', loadFields);
    $(typeof serverRef === 'string' ? serverRef : []).on('change.odoo-ed', loadFields);
    fillOps();
    check();
    loadFields();
    return { check: check, reload: loadFields, fields: function () { return fields; } };
  };

  /* ------------------------------------------------------------------------------------------ */
  /* Mapper target fields                                                                       */
  /* ------------------------------------------------------------------------------------------ */

  /**
   * Lists the target model's fields (type, required) in `container` and checks the mapper's rules
   * against them. opts.rules(): the current rules (array of {target, source, ...});
   * opts.onPick(fieldName): a field was clicked (e.g. add a rule for it);
   * opts.mode(): 'create' (default: required fields without a rule are flagged) or 'write'.
   * Call .refresh() after the rules change; .issues() gives the last check.
   */
  lib.mapperTargets = function (containerRef, opts) {
    opts = opts || {};
    var container = $(containerRef).addClass('odoo-ed-mapper');
    var serverRef = opts.server || '#node-input-server';
    var modelRef = opts.model || '#node-input-model';
    var head = $('<div class="odoo-ed-mapper-head"></div>').appendTo(container);
    var search = $('<input type="text" class="odoo-ed-panel-search" placeholder="Filter target fields">').appendTo(head);
    var status = $('<div class="odoo-ed-hint"></div>').appendTo(container);
    var issuesBox = $('<ul class="odoo-ed-issues"></ul>').appendTo(container);
    var table = $('<div class="odoo-ed-field-list odoo-ed-mapper-fields"></div>').appendTo(container);
    var fields = null;
    var lastIssues = [];

    function rules() { try { return (opts.rules && opts.rules()) || []; } catch (e) { return []; } }
    function renderFields() {
      table.empty();
      if (!fields) return;
      var q = String(search.val() || '').trim().toLowerCase();
      var used = {};
      rules().forEach(function (r) { if (r && typeof r.target === 'string') used[r.target.split('.')[0]] = true; });
      fields.filter(function (f) {
        return !q || f.name.toLowerCase().indexOf(q) !== -1 || f.string.toLowerCase().indexOf(q) !== -1;
      }).forEach(function (f) {
        var row = $('<div class="odoo-ed-field odoo-ed-target"></div>').attr('data-field', f.name).toggleClass('odoo-ed-used', !!used[f.name]);
        row.append($('<span class="odoo-ed-field-name"></span>').text(f.name));
        row.append($('<span class="odoo-ed-field-label"></span>').text(f.string));
        row.append($('<span class="odoo-ed-badge"></span>').text(f.type + (f.relation ? ' → ' + f.relation : '')));
        if (f.required) row.append($('<span class="odoo-ed-required" title="required">required</span>'));
        if (f.readonly) row.append($('<span class="odoo-ed-readonly">read-only</span>'));
        if (f.selection) row.attr('title', 'values: ' + f.selection.map(function (s) { return s[0]; }).join(', '));
        row.on('click', function () { if (opts.onPick) opts.onPick(f.name, f); });
        table.append(row);
      });
    }
    function refresh() {
      renderFields();
      issuesBox.empty();
      if (!fields) { lastIssues = []; return lastIssues; }
      var mode = opts.mode ? resolve(opts.mode) : 'create';
      lastIssues = checkMapperRules(rules(), fields, { mode: mode || 'create', model: resolve(modelRef) });
      lastIssues.forEach(function (i) {
        issuesBox.append($('<li></li>').addClass('odoo-ed-issue odoo-ed-' + i.level).attr('data-rule', i.rule)
          .text((i.rule >= 0 ? 'Rule ' + (i.rule + 1) + ' → ' + i.target + ': ' : '') + i.message));
      });
      if (opts.onIssues) opts.onIssues(lastIssues);
      return lastIssues;
    }
    function load(refreshAnswers) {
      var server = resolve(serverRef);
      var model = resolve(modelRef);
      if (!server || server === '_ADD_' || !model) {
        fields = null;
        setHint(status, 'Choose an Odoo server and a model to see its fields and check the rules against them', 'warning');
        refresh();
        return Promise.resolve(null);
      }
      setHint(status, 'Loading fields of ' + model + '…', 'busy');
      return lib.api.fields(server, model, { refresh: refreshAnswers }).then(function (list) {
        fields = list;
        var required = list.filter(function (f) { return f.required; }).length;
        setHint(status, model + ': ' + list.length + ' fields, ' + required + ' required. Click a field to add a rule for it.', 'ok');
        refresh();
        return list;
      }, function (err) {
        fields = null;
        setHint(status, err.message, 'error');
        refresh();
        return null;
      });
    }
    search.on('input', renderFields);
    $(typeof modelRef === 'string' ? modelRef : []).on('change.odoo-ed', function () { load(); });
    $(typeof serverRef === 'string' ? serverRef : []).on('change.odoo-ed', function () { load(); });
    load();
    return { refresh: refresh, reload: function () { return load(true); }, issues: function () { return lastIssues; }, fields: function () { return fields; } };
  };

  /* ------------------------------------------------------------------------------------------ */
  /* Test connection                                                                            */
  /* ------------------------------------------------------------------------------------------ */

  /**
   * A "Test connection" button for the odoo-server dialog: POSTs body() to the schema test endpoint and
   * shows version, user and database, or the reason it failed, in `result`.
   */
  lib.testConnection = function (buttonRef, resultRef, body) {
    var button = $(buttonRef);
    var result = $(resultRef).addClass('odoo-ed-hint');
    button.on('click', function (evt) {
      evt.preventDefault();
      setHint(result, 'Connecting…', 'busy');
      lib.api.test(body()).then(function (r) {
        setHint(result, 'Connected: Odoo ' + r.serverVersion + ', database ' + r.db + ', user ' + (r.user && (r.user.name || r.user.login)) + ' (uid ' + r.uid + ', ' + r.protocol + ')', 'ok');
      }, function (err) {
        setHint(result, err.message, 'error');
      });
    });
  };

  lib.esc = esc;
  return lib;
});
