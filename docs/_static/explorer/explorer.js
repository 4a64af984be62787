/*
 * The convolution explorer of the convlib site (plain JavaScript, no library).
 *
 * The reader types input size, kernel size, stride, padding, dilation and, in
 * transposed mode, output padding; the page redraws at once:
 *   - the input grid with its padding (or, in transposed mode, the input spread
 *     out by the stride, with inserted zeros and padding), and the output grid;
 *   - the input cells that the selected output cell reads (hover, click, arrow
 *     keys, step buttons, or play);
 *   - the output size with the formula filled in, the input rows and columns
 *     that no output reads, and what PyTorch, TensorFlow and convlib call the
 *     settings;
 *   - for small grids, on request, numbers: a seeded input and kernel of small
 *     integers, every output value, and the sum of products of the selected one.
 *
 * The arithmetic is the one of convlib.conv_output_size and
 * convlib.conv_transpose_output_size (tests/browser/ compare the two over a
 * grid of settings). Input size, kernel, stride and dilation are the same for
 * rows and columns; padding may differ per axis, so each axis has its own
 * geometry, computed by the same function.
 *
 * Padding is read as convlib reads it: a number (both sides of both axes), a
 * (before, after) pair (both axes, as convlib.conv_output_size reads a pair),
 * one entry per axis, each a number or a pair ("((0, 1), (0, 1))", "(1, (0, 2))",
 * as convlib.normalize_padding reads them), or "same", "valid", "full".
 */
(function () {
  "use strict";

  var MAX_VALUE = 1000; // largest number accepted in any field
  var MAX_DRAWN = 48; // largest grid (cells per side) drawn
  var CELL = 20; // SVG units per cell
  var MARGIN = 18; // SVG units kept for the row and column numbers
  var PIXELS_PER_UNIT = 1.6; // cells of 32 px, shrunk to fit narrow screens
  var PLAY_INTERVAL_MS = 650;
  var VALUES_MAX_INPUT = 10; // numbers are shown for inputs up to 10x10 ...
  var VALUES_MAX_DRAWN = 16; // ... whose drawn grids have at most 16 cells a side
  var INPUT_RANGE = [0, 4]; // the input's numbers: small integers
  var KERNEL_RANGE = [-1, 2]; // the kernel's
  var FIRST_SEED = 1;

  /* ---------------------------------------------------------------- input */

  function ExplorerError(message) {
    this.message = message;
  }

  // A whole number written plainly ("7", " 12 "), between minimum and MAX_VALUE.
  function readInt(text, label, minimum) {
    var t = String(text).trim();
    if (t === "") {
      throw new ExplorerError(label + " is empty: type a whole number (" + minimum + " or more).");
    }
    if (!/^[+-]?\d+$/.test(t)) {
      throw new ExplorerError(
        label + " must be a whole number, got \u201c" + t + "\u201d."
      );
    }
    var value = parseInt(t, 10);
    if (value < minimum) {
      var hint = { Dilation: " (1 means no gaps)", Stride: " (1 moves the window one cell at a time)" }[label] || "";
      throw new ExplorerError(label + " must be " + minimum + " or more" + hint + ", got " + value + ".");
    }
    if (value > MAX_VALUE) {
      throw new ExplorerError(label + " must be at most " + MAX_VALUE + " here, got " + value + ".");
    }
    return value;
  }

  var PADDING_FORMS =
    'a whole number, a (before, after) pair such as (1, 2), one entry per axis such as ' +
    '((0, 1), (0, 1)) for (rows, columns), or one of "same", "valid", "full"';

  // "1", "(1, 2)", "1, 2", "((0, 1), (0, 1))", "[1, [0, 2]]": nested arrays of whole numbers.
  function parseNumbers(text) {
    var pos = 0;
    function fail() {
      throw new ExplorerError("Padding must be " + PADDING_FORMS + "; got \u201c" + text + "\u201d.");
    }
    function skip() {
      while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
    }
    function number() {
      var m = /^[+-]?\d+/.exec(text.slice(pos));
      if (!m) fail();
      pos += m[0].length;
      var value = parseInt(m[0], 10);
      if (value < 0) throw new ExplorerError("Padding must be 0 or more, got " + value + ".");
      if (value > MAX_VALUE) {
        throw new ExplorerError("Padding must be at most " + MAX_VALUE + " here, got " + value + ".");
      }
      return value;
    }
    function items(close) {
      var out = [];
      skip();
      if (text.charAt(pos) === close) return out;
      for (;;) {
        out.push(item());
        skip();
        if (text.charAt(pos) !== ",") break;
        pos++;
        skip();
        if (text.charAt(pos) === close || pos >= text.length) break; // a trailing comma
      }
      return out;
    }
    function item() {
      skip();
      var open = text.charAt(pos);
      if (open !== "(" && open !== "[") return number();
      var close = open === "(" ? ")" : "]";
      pos++;
      var list = items(close);
      skip();
      if (text.charAt(pos) !== close) fail();
      pos++;
      return list.length === 1 ? list[0] : list; // (1) is 1
    }
    var top = items("");
    skip();
    if (pos < text.length || top.length === 0) fail();
    return top.length === 1 ? top[0] : top;
  }

  function isNumber(x) {
    return typeof x === "number";
  }

  // One axis' entry: a number (both sides) or a (before, after) pair.
  function axisPads(entry, axis) {
    if (isNumber(entry)) return [entry, entry];
    if (entry.length === 2 && isNumber(entry[0]) && isNumber(entry[1])) return [entry[0], entry[1]];
    throw new ExplorerError(
      "Padding for the " + axis + " must be a number or a (before, after) pair, got " + show(entry) + "."
    );
  }

  function show(x) {
    return isNumber(x) ? String(x) : "(" + x.map(show).join(", ") + ")";
  }

  /*
   * Padding: "same", "valid", "full" (ordinary convolution only), or
   * { rows: [before, after], cols: [before, after], form } with form "int",
   * "pair" (one (before, after) pair for both axes) or "axes" (one entry per axis).
   */
  function readPadding(text, transposed) {
    var raw = String(text).trim();
    var t = raw.toLowerCase();
    if (t === "same" || t === "valid" || t === "full") {
      if (transposed) {
        throw new ExplorerError(
          "In transposed mode padding is a number or a (before, after) pair, as in convlib's " +
            "conv_transpose2d (it removes that many cells from the ends of the output); \u201c" + t +
            "\u201d only applies to an ordinary convolution."
        );
      }
      return t;
    }
    if (t === "") {
      throw new ExplorerError("Padding is empty: type " + PADDING_FORMS + ".");
    }
    var value = parseNumbers(raw);
    if (isNumber(value)) return { rows: [value, value], cols: [value, value], form: "int" };
    if (value.length === 2 && isNumber(value[0]) && isNumber(value[1])) {
      return { rows: [value[0], value[1]], cols: [value[0], value[1]], form: "pair" };
    }
    if (value.length === 2) {
      return { rows: axisPads(value[0], "rows"), cols: axisPads(value[1], "columns"), form: "axes" };
    }
    if (value.length === 4 && value.every(isNumber)) {
      throw new ExplorerError(
        "Four numbers are the order of PyTorch\u2019s F.pad, (left, right, top, bottom). Here padding " +
          "is (rows, columns), each a (before, after) pair: ((" + value[2] + ", " + value[3] + "), (" +
          value[0] + ", " + value[1] + "))."
      );
    }
    throw new ExplorerError(
      "Padding has " + value.length + " entries; it must be " + PADDING_FORMS + "."
    );
  }

  /* ----------------------------------------------------------- arithmetic */

  // TensorFlow's "SAME": output ceil(i / s); the odd padding cell goes after.
  function samePadding(i, k, s, d) {
    var out = Math.ceil(i / s);
    var kEff = d * (k - 1) + 1;
    var total = Math.max((out - 1) * s + kEff - i, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }

  // { rows: [before, after], cols: [before, after] } for any padding.
  function padsFor(padding, i, k, s, d) {
    var both;
    if (padding === "valid") both = [0, 0];
    else if (padding === "same") both = samePadding(i, k, s, d);
    else if (padding === "full") both = [d * (k - 1), d * (k - 1)];
    else return { rows: padding.rows.slice(), cols: padding.cols.slice() };
    return { rows: both, cols: both.slice() };
  }

  function samePair(a, b) {
    return a[0] === b[0] && a[1] === b[1];
  }

  /*
   * The geometry of one axis. `cells` lists what is drawn along the axis:
   * kind "in" (an input cell, with its index), "pad" (a padding zero), "zero"
   * (a zero inserted between input cells by a transposed convolution's
   * stride) or "crop" (a cell a transposed convolution's padding removes).
   * Output cell o reads the drawn cells start + o * step + t * d, t < k.
   * `along` names the axis in messages ("" when both axes are alike).
   */
  function axisGeometry(p, pads, along) {
    var i = p.inSize, k = p.kernel, s = p.stride, d = p.dilation;
    var kEff = d * (k - 1) + 1;
    var cells = [], g, x;
    if (!p.transposed) {
      var padded = i + pads[0] + pads[1];
      if (kEff > padded) {
        throw new ExplorerError(
          "The kernel does not fit" + along + ": dilated, it spans d\u00b7(k \u2212 1) + 1 = " + d + "\u00b7(" +
            k + " \u2212 1) + 1 = " + kEff + " cells, more than the padded input's " + i + " + " +
            pads[0] + " + " + pads[1] + " = " + padded + ". Make the kernel or the dilation " +
            "smaller, or pad more."
        );
      }
      for (x = 0; x < pads[0]; x++) cells.push({ kind: "pad", side: "before" });
      for (x = 0; x < i; x++) cells.push({ kind: "in", index: x });
      for (x = 0; x < pads[1]; x++) cells.push({ kind: "pad", side: "after" });
      g = {
        cells: cells, start: 0, step: s, kEff: kEff, pads: pads, padded: padded,
        out: Math.floor((padded - kEff) / s) + 1
      };
    } else {
      var op = p.outputPadding;
      var spread = (i - 1) * s + 1; // the input with s - 1 zeros between cells
      var before = d * (k - 1) - pads[0]; // zeros added before (negative: cropped)
      var after = d * (k - 1) - pads[1] + op;
      var length = spread + before + after; // what the stride-1 convolution runs over
      var outT = length - kEff + 1;
      if (outT < 1) {
        throw new ExplorerError(
          "Padding " + pads[0] + " + " + pads[1] + " removes the whole output" + along +
            ": without it the output would have " + (outT + pads[0] + pads[1]) + " cells, and " +
            "padding takes " + pads[0] + " from the start and " + pads[1] + " from the end. " +
            "Use a smaller padding."
        );
      }
      var lo = Math.min(-before, 0), hi = Math.max(spread - 1 + after, spread - 1);
      for (x = lo; x <= hi; x++) {
        var inside = x >= -before && x <= spread - 1 + after;
        var isInput = x >= 0 && x < spread && x % s === 0;
        var cell;
        if (isInput) cell = { kind: "in", index: x / s };
        else if (x >= 0 && x < spread) cell = { kind: "zero" };
        else cell = { kind: "pad", side: x < 0 ? "before" : "after" };
        if (!inside) cell.cropped = true;
        cells.push(cell);
      }
      g = {
        cells: cells, start: -before - lo, step: 1, kEff: kEff, pads: pads, before: before,
        after: after, spread: spread, out: outT
      };
    }
    g.reads = function (o) {
      var r = [];
      for (var t = 0; t < k; t++) r.push(g.start + o * g.step + t * d);
      return r;
    };
    // Which drawn cells some output reads.
    var read = new Array(cells.length).fill(false);
    for (var o = 0; o < g.out; o++) {
      for (var t = 0; t < k; t++) read[g.start + o * g.step + t * d] = true;
    }
    g.read = read;
    return g;
  }

  // Both axes: { rows, cols, alike } (alike: the same padding, so the same geometry).
  function geometry(p) {
    if (p.transposed && p.outputPadding >= Math.max(p.stride, p.dilation)) {
      var s = p.stride, d = p.dilation, op = p.outputPadding;
      throw new ExplorerError(
        "Output padding must be smaller than the stride or the dilation (at most " +
          (Math.max(s, d) - 1) + " here), got " + op + ". It only chooses between the " +
          "input sizes that a stride-" + s + " convolution maps to the same output size."
      );
    }
    var pads = padsFor(p.padding, p.inSize, p.kernel, p.stride, p.dilation);
    var alike = samePair(pads.rows, pads.cols);
    var rows = axisGeometry(p, pads.rows, alike ? "" : " along the rows");
    var cols = alike ? axisGeometry(p, pads.cols, "") : axisGeometry(p, pads.cols, " along the columns");
    return { rows: rows, cols: cols, alike: alike, pads: pads };
  }

  function readAll(root) {
    var transposed = root.querySelector("#explorer-transposed").checked;
    var p = {
      inSize: readInt(root.querySelector("#explorer-input-size").value, "Input size", 1),
      kernel: readInt(root.querySelector("#explorer-kernel-size").value, "Kernel size", 1),
      stride: readInt(root.querySelector("#explorer-stride").value, "Stride", 1),
      padding: readPadding(root.querySelector("#explorer-padding").value, transposed),
      dilation: readInt(root.querySelector("#explorer-dilation").value, "Dilation", 1),
      transposed: transposed,
      outputPadding: 0
    };
    if (transposed) {
      p.outputPadding = readInt(
        root.querySelector("#explorer-output-padding").value, "Output padding", 0
      );
    }
    return p;
  }

  /* -------------------------------------------------------------- numbers */

  // A small seeded generator (mulberry32): the same numbers on every visit.
  function generator(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // An n x n table of integers in [lo, hi]; a grid of size m uses its top-left m x m
  // corner, so the numbers stay put when only the size changes.
  function table(seed, n, range) {
    var next = generator(seed), rows = [];
    for (var r = 0; r < n; r++) {
      var row = [];
      for (var c = 0; c < n; c++) row.push(range[0] + Math.floor(next() * (range[1] - range[0] + 1)));
      rows.push(row);
    }
    return rows;
  }

  /* ------------------------------------------------------------- writing */

  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function v(name) {
    return "<var>" + name + "</var>";
  }

  function minus(x) {
    return x < 0 ? "\u2212" + -x : String(x);
  }

  function listNumbers(xs) {
    if (xs.length === 0) return "";
    // Runs of consecutive numbers as "a\u2013b".
    var parts = [], a = xs[0], b = xs[0];
    for (var j = 1; j <= xs.length; j++) {
      if (j < xs.length && xs[j] === b + 1) {
        b = xs[j];
        continue;
      }
      parts.push(a === b ? String(a) : b === a + 1 ? a + ", " + b : a + "\u2013" + b);
      if (j < xs.length) a = b = xs[j];
    }
    return parts.join(", ");
  }

  function pairText(pair) {
    return "(" + pair[0] + ", " + pair[1] + ")";
  }

  // How the padding was read, under the settings.
  function paddingReadHtml(p, g) {
    var pads = g.pads, text;
    var pair = function (x) { return pairText(x).replace(", ", ",\u00a0"); }; // kept on one line
    var both = g.alike
      ? pair(pads.rows) + " on rows and on columns"
      : pair(pads.rows) + " on rows, " + pair(pads.cols) + " on columns";
    text = "Padding read as (before, after): " + both + ".";
    if (p.padding === "same") text += " That is TensorFlow\u2019s \u201csame\u201d for this size and stride.";
    if (p.padding === "full") text += " That is \u201cfull\u201d: d\u00b7(k \u2212 1) on each side.";
    if (p.padding.form === "pair" && pads.rows[0] !== pads.rows[1]) {
      text +=
        " A pair is one axis\u2019s (before, after), here used for both, as " + code("convlib.conv_output_size") +
        " reads it. " + code("convlib.conv2d") + " and PyTorch read " + code("padding=" + pairText(pads.rows)) +
        " as " + pads.rows[0] + " on rows and " + pads.rows[1] + " on columns; for this padding write " +
        code("padding=(" + pairText(pads.rows) + ", " + pairText(pads.cols) + ")") + " there.";
    }
    return text;
  }

  function axisFormulaHtml(p, g, label) {
    var i = p.inSize, k = p.kernel, s = p.stride, d = p.dilation, lines = [];
    var head = label ? "<b>" + label + ":</b> " : "";
    if (!p.transposed) {
      var pb = g.pads[0], pa = g.pads[1];
      var num = i + pb + pa - g.kEff;
      lines.push(
        '<span class="cx-eq">' + head + v("o") + " = \u230a(" + v("i") + " + " + v("p<sub>before</sub>") +
          " + " + v("p<sub>after</sub>") + " \u2212 " + v("d") + "\u00b7(" + v("k") + " \u2212 1) \u2212 1) / " +
          v("s") + "\u230b + 1</span>" +
          '<span class="cx-eq">= \u230a(' + i + " + " + pb + " + " + pa + " \u2212 " + d + "\u00b7(" + k +
          " \u2212 1) \u2212 1) / " + s + "\u230b + 1 = \u230a" + num + " / " + s + "\u230b + 1 = " +
          "<b>" + g.out + "</b></span>"
      );
      if (num % s !== 0) {
        lines.push(
          (label ? label + ": the" : "The") + " division leaves " + (num % s) + ": the last " + (num % s) +
            " cell" + (num % s > 1 ? "s" : "") + " of the padded input come after the last window, too " +
            "few for another step of " + s + "; rounding down drops that incomplete step."
        );
      }
    } else {
      var op = p.outputPadding;
      lines.push(
        '<span class="cx-eq">' + head + v("o") + " = (" + v("i") + " \u2212 1)\u00b7" + v("s") + " \u2212 " +
          v("p<sub>before</sub>") + " \u2212 " + v("p<sub>after</sub>") + " + " + v("d") + "\u00b7(" + v("k") +
          " \u2212 1) + " + v("output_padding") + " + 1</span>" +
          '<span class="cx-eq">= (' + i + " \u2212 1)\u00b7" + s + " \u2212 " + g.pads[0] + " \u2212 " +
          g.pads[1] + " + " + d + "\u00b7(" + k + " \u2212 1) + " + op + " + 1 = <b>" + g.out + "</b></span>"
      );
    }
    return lines;
  }

  function formulaHtml(p, geo) {
    var i = p.inSize, k = p.kernel, s = p.stride, d = p.dilation, lines = [];
    var g = geo.rows;
    if (!p.transposed) {
      var pb = g.pads[0], pa = g.pads[1];
      if (p.padding === "same") {
        var out = Math.ceil(i / s);
        var total = pb + pa;
        lines.push(
          '<b>"same"</b> (TensorFlow\u2019s rule): the output has \u2308' + v("i") + " / " + v("s") +
            "\u2309 = \u2308" + i + " / " + s + "\u2309 = " + out + " cells; the padding that gives it is " +
            "max((" + out + " \u2212 1)\u00b7" + s + " + " + g.kEff + " \u2212 " + i + ", 0) = " + total +
            " in total, " + pb + " before and " + pa + " after" +
            (pa > pb ? " (the odd one goes after: bottom and right)" : "") + "."
        );
      } else if (p.padding === "full") {
        lines.push(
          '<b>"full"</b>: ' + v("d") + "\u00b7(" + v("k") + " \u2212 1) = " + d + "\u00b7(" + k +
            " \u2212 1) = " + pb + " zeros on each side, so every window that overlaps the input by " +
            "at least one cell is computed."
        );
      } else if (p.padding === "valid") {
        lines.push('<b>"valid"</b>: no padding; only windows that lie wholly inside the input.');
      }
      lines.push(
        "Dilated kernel: " + v("d") + "\u00b7(" + v("k") + " \u2212 1) + 1 = " + d + "\u00b7(" + k +
          " \u2212 1) + 1 = " + g.kEff + " cells."
      );
    } else {
      var before = geo.alike
        ? g.before + " zero" + (Math.abs(g.before) === 1 ? "" : "s") + " before and " + g.after + " after"
        : g.before + " before and " + g.after + " after on rows, " + geo.cols.before + " before and " +
          geo.cols.after + " after on columns";
      var negative = g.before < 0 || g.after < 0 || geo.cols.before < 0 || geo.cols.after < 0;
      lines.push(
        "A transposed convolution is drawn here as an ordinary stride-1 convolution over the input " +
          "spread out by the stride (" + (s - 1) + " zero" + (s - 1 === 1 ? "" : "s") +
          " between cells) and padded with " + v("d") + "\u00b7(" + v("k") + " \u2212 1) \u2212 " +
          v("p") + ": " + before + (p.outputPadding ? " (output padding adds " + p.outputPadding + " after)" : "") +
          (negative ? "; a negative number crops cells instead (drawn faded)" : "") +
          ". The kernel it applies is the forward kernel flipped."
      );
    }
    if (geo.alike) {
      lines = lines.concat(axisFormulaHtml(p, geo.rows, ""));
    } else {
      lines = lines.concat(axisFormulaHtml(p, geo.rows, "Rows"), axisFormulaHtml(p, geo.cols, "Columns"));
    }
    return lines.map(function (l) { return "<p>" + l + "</p>"; }).join("");
  }

  function unreadAxis(g) {
    var u = { input: [], pad: 0, zero: 0, cropped: [] };
    g.cells.forEach(function (c, j) {
      if (c.cropped) {
        if (c.kind === "in") u.cropped.push(c.index);
        return;
      }
      if (g.read[j]) return;
      if (c.kind === "in") u.input.push(c.index);
      else if (c.kind === "pad") u.pad += 1;
      else u.zero += 1;
    });
    return u;
  }

  function unreadHtml(p, geo) {
    var axes = geo.alike
      ? [["rows and columns", "row", unreadAxis(geo.rows)]]
      : [["rows", "row", unreadAxis(geo.rows)], ["columns", "column", unreadAxis(geo.cols)]];
    var parts = [];
    var strided = geo.rows.step > 1 || p.dilation > 1;
    var none = axes.every(function (a) { return a[2].input.length === 0 && a[2].cropped.length === 0; });
    if (none) parts.push("Every input row and column is read by at least one output cell.");
    axes.forEach(function (a) {
      var name = a[0], u = a[2];
      if (u.input.length) {
        parts.push(
          '<b class="cx-warn">Input ' + name + " never read: " + listNumbers(u.input) +
            "</b> (counting from 0; hatched in the grid). " +
            (strided
              ? "The stride or the dilation steps over them: whatever they hold has no effect on the output."
              : "No window reaches them.")
        );
      }
      if (u.cropped.length) {
        parts.push(
          '<b class="cx-warn">Input ' + name + " cropped away by the padding: " +
            listNumbers(u.cropped) + "</b> (counting from 0; drawn faded)."
        );
      }
    });
    axes.forEach(function (a) {
      var noun = geo.alike ? "row" : a[1], u = a[2];
      if (u.pad) {
        parts.push(
          u.pad + " padding " + noun + (u.pad > 1 ? "s are" : " is") +
            " never read either: padding that no window reaches only costs memory."
        );
      }
      if (u.zero) parts.push(u.zero + " of the inserted zeros are never read.");
    });
    return parts.map(function (l) { return "<p>" + l + "</p>"; }).join("");
  }

  function code(text) {
    return "<code>" + esc(text) + "</code>";
  }

  function verdict(kind, label) {
    return '<span class="cx-verdict cx-verdict-' + kind + '">' + label + "</span> ";
  }

  // Padding as a Python argument: 1, (1, 2) for (rows, columns), or ((t, b), (l, r)).
  function padArgument(pads) {
    var r = pads.rows, c = pads.cols;
    if (r[0] === r[1] && c[0] === c[1]) return r[0] === c[0] ? String(r[0]) : "(" + r[0] + ", " + c[0] + ")";
    return "(" + pairText(r) + ", " + pairText(c) + ")";
  }

  function frameworksHtml(p, geo) {
    var k = p.kernel, s = p.stride, d = p.dilation, i = p.inSize;
    var pads = geo.pads, r = pads.rows, c = pads.cols;
    var symmetric = r[0] === r[1] && c[0] === c[1];
    var torch, tf, mine;
    if (!p.transposed) {
      var pb = r[0], pa = r[1];
      var torchCall = function (padText) {
        return code(
          "nn.Conv2d(c_in, c_out, kernel_size=" + k + ", stride=" + s + ", padding=" + padText +
            ", dilation=" + d + ")"
        );
      };
      var fPad = "F.pad(x, (" + c[0] + ", " + c[1] + ", " + r[0] + ", " + r[1] + "))";
      if (p.padding === "same" && s > 1) {
        torch =
          verdict("no", "refused") + code('padding="same"') +
          " raises a ValueError for a stride above 1 (\u201cnot supported for strided convolutions\u201d). " +
          (pb === pa
            ? "Here the padding is symmetric, so " + torchCall(String(pb)) + " gives the same result."
            : "Pad by hand, " + pb + " before and " + pa + " after: " + code(fPad) + " then " +
              torchCall("0") + ". A symmetric " + code("padding=" + pa) +
              " would shift every window by one cell, which changes the values (and can change the size).");
      } else if (p.padding === "same") {
        torch =
          verdict("ok", "works") + torchCall('"same"') +
          (pb !== pa ? " \u2014 with an even dilated kernel the extra zero goes after, as in TensorFlow." : "");
      } else if (p.padding === "valid") {
        torch = verdict("ok", "works") + torchCall('"valid"') + " (the same as " + code("padding=0") + ").";
      } else if (p.padding === "full") {
        torch =
          verdict("ok", "works") + "there is no " + code('"full"') + " string: " + torchCall(String(pb)) +
          ", that is dilation\u00b7(kernel_size \u2212 1).";
      } else if (symmetric) {
        torch =
          verdict("ok", "works") + torchCall(padArgument(pads)) +
          (r[0] !== c[0] ? " (one number per axis: rows, then columns)." : "");
      } else {
        torch =
          verdict("warn", "two steps") + code("nn.Conv2d") + " pads each axis by the same number on both " +
          "sides. Pad first, " + code(fPad) + " (" + code("F.pad") + " lists the last axis first: left, " +
          "right, top, bottom), then " + torchCall("0") + ".";
      }

      var tfCall = function (padText) {
        return code(
          "layers.Conv2D(c_out, " + k + ", strides=" + s + ', padding="' + padText + '", dilation_rate=' +
            d + ")"
        );
      };
      var sameHere = samePadding(i, k, s, d);
      var tfPads = "[[0, 0], " + "[" + r[0] + ", " + r[1] + "], [" + c[0] + ", " + c[1] + "], [0, 0]]";
      var zero = r[0] === 0 && r[1] === 0 && c[0] === 0 && c[1] === 0;
      if (s > 1 && d > 1) {
        tf =
          verdict("warn", "Keras refuses") + "Keras " + code("Conv2D") + " raises a ValueError for " +
          code("strides") + " above 1 together with " + code("dilation_rate") + " above 1. The low-level " +
          code("tf.nn.conv2d(x, w, strides=" + s + ", padding=" + tfPads + ", dilations=" + d + ")") +
          " (NHWC) accepts it.";
      } else if (p.padding === "same") {
        tf = verdict("ok", "works") + tfCall("same") + " \u2014 it pads " + pb + " before and " + pa + " after.";
      } else if (p.padding === "valid" || zero) {
        tf = verdict("ok", "works") + tfCall("valid");
      } else if (samePair(r, sameHere) && samePair(c, sameHere)) {
        tf =
          verdict("ok", "works") + tfCall("same") + ": for this input size, " + code('"same"') +
          " pads exactly " + (r[0] === r[1] ? r[0] + " on each side" : r[0] + " before and " + r[1] + " after") +
          " (for another input size or stride it may not).";
      } else {
        tf =
          verdict("warn", "two layers") + "Keras " + code("Conv2D") + " knows only " + code('"valid"') +
          " and " + code('"same"') + ": " + code("layers.ZeroPadding2D(" + padArgument(pads) + ")") + " then " +
          tfCall("valid") + ", or " + code("tf.nn.conv2d(x, w, strides=" + s + ", padding=" + tfPads +
          ", dilations=" + d + ")") + ".";
      }
      var minePad = typeof p.padding === "string" ? '"' + p.padding + '"' : padArgument(pads);
      mine = code("convlib.conv2d(x, w, stride=" + s + ", padding=" + minePad + ", dilation=" + d + ")");
    } else {
      var op = p.outputPadding;
      var outR = geo.rows.out, outC = geo.cols.out;
      var crop = "y[:, :, " + r[0] + ":" + (outR + r[0]) + ", " + c[0] + ":" + (outC + c[0]) + "]";
      var torchT = function (padText) {
        return code(
          "nn.ConvTranspose2d(c_in, c_out, kernel_size=" + k + ", stride=" + s + ", padding=" + padText +
            ", output_padding=" + op + ", dilation=" + d + ")"
        );
      };
      if (symmetric) {
        torch = verdict("ok", "works") + torchT(padArgument(pads));
      } else {
        torch =
          verdict("warn", "two steps") + code("nn.ConvTranspose2d") + " removes the same number of cells " +
          "at both ends of an axis. Run " + torchT("0") + ", then crop its output: " + code(crop) + ".";
      }
      var kerasDefault = i * s + Math.max(geo.rows.kEff - s, 0);
      var anyPad = r[0] + r[1] + c[0] + c[1] > 0;
      var cropLayer = anyPad ? " then " + code("layers.Cropping2D(" + padArgument(pads) + ")") : "";
      if (d > 1) {
        var gr = geo.rows, gc = geo.cols;
        var tfPadsT = "[[0, 0], [" + Math.max(gr.before, 0) + ", " + Math.max(gr.after, 0) + "], [" +
          Math.max(gc.before, 0) + ", " + Math.max(gc.after, 0) + "], [0, 0]]";
        var cropAxis = function (g) {
          return Math.max(-g.before, 0) + " cell(s) at the start and " + Math.max(-g.after, 0) + " at the end";
        };
        var anyCrop = gr.before < 0 || gr.after < 0 || gc.before < 0 || gc.after < 0;
        var cropText = !anyCrop
          ? ""
          : geo.alike
            ? " after cropping " + cropAxis(gr)
            : " after cropping " + cropAxis(gr) + " of the rows and " + cropAxis(gc) + " of the columns";
        tf =
          verdict("warn", "depends") +
          (s > 1 ? "Keras " + code("Conv2DTranspose") + " refuses " + code("strides") + " above 1 together with " +
            code("dilation_rate") + " above 1, and " : "") +
          "TensorFlow\u2019s CPU kernel for a dilated transposed convolution does not run everywhere (with " +
          "oneDNN off, " + code("TF_ENABLE_ONEDNN_OPTS=0") + ", it raises an error). What always works is the " +
          "picture above: spread the input out (" + (s - 1) + " zero" + (s - 1 === 1 ? "" : "s") +
          " between cells)" + cropText + ", then " +
          code("tf.nn.conv2d(x_spread, w_flipped, strides=1, padding=" + tfPadsT + ", dilations=" + d + ")") +
          " with the kernel flipped in both spatial axes.";
      } else if (op >= s) {
        tf =
          verdict("no", "refused") + "Keras requires " + code("output_padding") + " smaller than " +
          code("strides") + " (PyTorch allows it below the dilation too).";
      } else {
        tf =
          verdict(anyPad ? "warn" : "ok", anyPad ? "two layers" : "works") +
          code(
            "layers.Conv2DTranspose(c_out, " + k + ", strides=" + s + ', padding="valid", output_padding=' +
              op + ", dilation_rate=" + d + ")"
          ) + cropLayer + ". Give " + code("output_padding") + " even when it is 0: without it Keras picks " +
          "its own length, here " + kerasDefault + (anyPad ? " before cropping" : "") + ", and with " +
          code('padding="same"') + " the output is input \u00d7 stride = " + i * s + ".";
      }
      mine = code(
        "convlib.conv_transpose2d(x, w, stride=" + s + ", padding=" + padArgument(pads) + ", output_padding=" +
          op + ", dilation=" + d + ")"
      );
    }
    return (
      '<div class="cx-fw"><h3>PyTorch</h3><p>' + torch + "</p></div>" +
      '<div class="cx-fw"><h3>TensorFlow / Keras</h3><p>' + tf + "</p></div>" +
      '<div class="cx-fw"><h3>convlib</h3><p>' + verdict("ok", "works") + mine +
      " (NCHW input, " + (p.transposed ? "PyTorch\u2019s transposed-kernel layout" : "OIHW kernel") +
      ").</p></div>"
    );
  }

  /* -------------------------------------------------------------- drawing */

  function cellClass(c, read) {
    var cls = "cx-cell cx-" + c.kind;
    if (c.cropped) cls += " cx-cropped";
    else if (c.kind === "in" && !read) cls += " cx-unread";
    return cls;
  }

  // A number inside a cell, shrunk to fit when it is long.
  function cellText(cls, x, y, text, extra) {
    var size = Math.min(10, (CELL * 0.9) / (0.62 * Math.max(text.length, 1)));
    return (
      '<text class="' + cls + '" x="' + (x + CELL / 2) + '" y="' + (y + CELL / 2 + size * 0.36) +
        '" font-size="' + size.toFixed(1) + '"' + (extra || "") + ">" + esc(text) + "</text>"
    );
  }

  function axisLabels(out, count, index, horizontal) {
    var fontSize = Math.min(10, CELL * 0.5);
    for (var j = 0; j < count; j++) {
      var label = index(j);
      if (label === null) continue;
      var center = MARGIN + j * CELL + CELL / 2;
      if (horizontal) {
        out.push('<text class="cx-axis" x="' + center + '" y="' + (MARGIN - 5) + '" font-size="' + fontSize + '">' + label + "</text>");
      } else {
        out.push('<text class="cx-axis" x="' + (MARGIN - 4) + '" y="' + (center + 3) + '" text-anchor="end" font-size="' + fontSize + '">' + label + "</text>");
      }
    }
  }

  function svgOpen(width, height, attributes) {
    return (
      '<svg class="cx-svg" style="width: ' + width * PIXELS_PER_UNIT + 'px" viewBox="0 0 ' + width + " " + height +
        '" ' + attributes + ">"
    );
  }

  // values: the input's numbers (rows of the input table), or null.
  function inputSvg(geo, values) {
    var rowsG = geo.rows, colsG = geo.cols;
    var nr = rowsG.cells.length, nc = colsG.cells.length;
    var big = Math.max(nr, nc) > 24;
    var out = [
      svgOpen(MARGIN + nc * CELL, MARGIN + nr * CELL, 'role="img" aria-labelledby="explorer-input-caption"'),
      "<defs>" +
        '<pattern id="cx-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
        '<rect class="cx-hatch-bg" width="6" height="6"></rect><line class="cx-hatch-line" x1="0" y1="0" x2="0" y2="6"></line>' +
        "</pattern></defs>"
    ];
    function label(g) {
      return function (j) {
        var c = g.cells[j];
        return c.kind === "in" && (!big || c.index % 5 === 0) ? c.index : null;
      };
    }
    axisLabels(out, nc, label(colsG), true);
    axisLabels(out, nr, label(rowsG), false);
    var texts = [];
    for (var r = 0; r < nr; r++) {
      for (var q = 0; q < nc; q++) {
        var cr = rowsG.cells[r], cc = colsG.cells[q];
        var kind = cr.kind === "in" && cc.kind === "in" ? "in" : cr.kind === "pad" || cc.kind === "pad" ? "pad" : "zero";
        var cell = { kind: kind, cropped: cr.cropped || cc.cropped };
        var read = rowsG.read[r] && colsG.read[q];
        var x = MARGIN + q * CELL, y = MARGIN + r * CELL;
        var value = kind === "in" ? (values ? values[cr.index][cc.index] : null) : 0;
        out.push(
          '<rect class="' + cellClass(cell, read) + '" data-r="' + r + '" data-c="' + q + '"' +
            (values ? ' data-v="' + value + '"' : "") + ' x="' + x + '" y="' + y +
            '" width="' + CELL + '" height="' + CELL + '"></rect>'
        );
        if (kind !== "in" && !big) {
          texts.push(cellText("cx-zero-label", x, y, "0", ' data-r="' + r + '" data-c="' + q + '"'));
        } else if (values) {
          texts.push(cellText("cx-value", x, y, minus(value), ' data-r="' + r + '" data-c="' + q + '"'));
        }
      }
    }
    out = out.concat(texts);
    // The input itself, outlined, so that padding is told apart at a glance.
    var span = function (g) {
      var first = -1, last = -1;
      g.cells.forEach(function (c, j) {
        if (c.kind === "in" && !c.cropped) { if (first < 0) first = j; last = j; }
      });
      return [first, last];
    };
    var sr = span(rowsG), sc = span(colsG);
    if (sr[0] >= 0 && sc[0] >= 0) {
      out.push(
        '<rect class="cx-input-outline" x="' + (MARGIN + sc[0] * CELL) + '" y="' + (MARGIN + sr[0] * CELL) +
          '" width="' + (sc[1] - sc[0] + 1) * CELL + '" height="' + (sr[1] - sr[0] + 1) * CELL + '"></rect>'
      );
    }
    out.push('<rect class="cx-window" x="0" y="0" width="0" height="0"></rect>');
    out.push("</svg>");
    return out.join("");
  }

  // values: the output's numbers (outR x outC), or null.
  function outputSvg(geo, values) {
    var nr = geo.rows.out, nc = geo.cols.out, out = [];
    var big = Math.max(nr, nc) > 24;
    out.push(
      svgOpen(
        MARGIN + nc * CELL, MARGIN + nr * CELL,
        'tabindex="0" role="group" aria-labelledby="explorer-output-caption" aria-describedby="explorer-window" ' +
          'aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight Home End"'
      )
    );
    var label = function (j) { return !big || j % 5 === 0 ? j : null; };
    axisLabels(out, nc, label, true);
    axisLabels(out, nr, label, false);
    var texts = [];
    for (var r = 0; r < nr; r++) {
      for (var q = 0; q < nc; q++) {
        var x = MARGIN + q * CELL, y = MARGIN + r * CELL;
        out.push(
          '<rect class="cx-cell cx-out" data-r="' + r + '" data-c="' + q + '"' +
            (values ? ' data-v="' + values[r][q] + '"' : "") + ' x="' + x + '" y="' + y + '" width="' + CELL +
            '" height="' + CELL + '"></rect>'
        );
        if (values) {
          texts.push(cellText("cx-value", x, y, minus(values[r][q]), ' data-r="' + r + '" data-c="' + q + '"'));
        }
      }
    }
    out = out.concat(texts);
    out.push("</svg>");
    return out.join("");
  }

  function kernelSvg(w) {
    var k = w.length, out = [];
    out.push(svgOpen(MARGIN + k * CELL, MARGIN + k * CELL, 'role="img" aria-labelledby="explorer-kernel-caption"'));
    var label = function (j) { return j; };
    axisLabels(out, k, label, true);
    axisLabels(out, k, label, false);
    var texts = [];
    for (var r = 0; r < k; r++) {
      for (var q = 0; q < k; q++) {
        var x = MARGIN + q * CELL, y = MARGIN + r * CELL;
        out.push(
          '<rect class="cx-cell cx-kernel" data-r="' + r + '" data-c="' + q + '" data-v="' + w[r][q] + '" x="' + x +
            '" y="' + y + '" width="' + CELL + '" height="' + CELL + '"></rect>'
        );
        texts.push(cellText("cx-value", x, y, minus(w[r][q])));
      }
    }
    out.push(texts.join(""));
    out.push("</svg>");
    return out.join("");
  }

  /* ------------------------------------------------------------ the page */

  function Explorer(root) {
    this.root = root;
    this.el = function (id) { return root.querySelector("#" + id); };
    this.geom = null;
    this.params = null;
    this.sel = [0, 0];
    this.timer = null;
    this.seed = FIRST_SEED;
    this.numbers = null; // { x, w, y } in values mode
    this.bind();
    this.update();
  }

  Explorer.prototype.bind = function () {
    var self = this;
    ["explorer-input-size", "explorer-kernel-size", "explorer-stride", "explorer-padding",
      "explorer-dilation", "explorer-output-padding"].forEach(function (id) {
      var field = self.el(id);
      field.addEventListener("input", function () { self.update(); });
      // Arrow keys step numbers, as in a number field (text fields accept "same" too).
      field.addEventListener("keydown", function (ev) {
        if (ev.key !== "ArrowUp" && ev.key !== "ArrowDown") return;
        var t = field.value.trim();
        if (!/^\d+$/.test(t)) return;
        var next = parseInt(t, 10) + (ev.key === "ArrowUp" ? 1 : -1);
        var min = id === "explorer-padding" || id === "explorer-output-padding" ? 0 : 1;
        if (next < min) return;
        ev.preventDefault();
        field.value = String(next);
        self.update();
      });
    });
    this.el("explorer-transposed").addEventListener("change", function () { self.update(); });
    this.el("explorer-values").addEventListener("change", function () { self.update(); });
    this.el("explorer-reseed").addEventListener("click", function () {
      self.seed += 1;
      self.update();
    });
    this.el("explorer-play").addEventListener("click", function () { self.togglePlay(); });
    this.el("explorer-prev").addEventListener("click", function () { self.stop(); self.step(-1); });
    this.el("explorer-next").addEventListener("click", function () { self.stop(); self.step(1); });
    var outBox = this.el("explorer-output-grid");
    var pick = function (ev) {
      var t = ev.target;
      if (t && t.getAttribute && t.getAttribute("data-r") !== null) {
        self.stop();
        self.select(+t.getAttribute("data-r"), +t.getAttribute("data-c"));
      }
    };
    outBox.addEventListener("mouseover", pick);
    outBox.addEventListener("click", pick);
    outBox.addEventListener("keydown", function (ev) {
      if (!self.geom) return;
      var nr = self.geom.rows.out, nc = self.geom.cols.out, r = self.sel[0], c = self.sel[1];
      var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      if (moves[ev.key]) {
        r = Math.min(nr - 1, Math.max(0, r + moves[ev.key][0]));
        c = Math.min(nc - 1, Math.max(0, c + moves[ev.key][1]));
      } else if (ev.key === "Home") {
        r = 0; c = 0;
      } else if (ev.key === "End") {
        r = nr - 1; c = nc - 1;
      } else {
        return;
      }
      ev.preventDefault();
      self.stop();
      self.select(r, c);
    });
  };

  // Every text derived from the settings, emptied: nothing stale survives a bad value.
  Explorer.prototype.clearDerived = function () {
    var self = this;
    ["explorer-output-shape", "explorer-padding-read", "explorer-window", "explorer-sum",
      "explorer-too-large", "explorer-input-caption", "explorer-output-caption", "explorer-kernel-caption",
      "explorer-values-reason"].forEach(function (id) {
      self.el(id).textContent = "";
    });
    ["explorer-formula", "explorer-unread", "explorer-frameworks", "explorer-input-grid",
      "explorer-output-grid", "explorer-kernel-grid"].forEach(function (id) {
      self.el(id).innerHTML = "";
    });
    this.el("explorer-padding-read").hidden = true;
    this.el("explorer-sum").hidden = true;
    this.el("explorer-too-large").hidden = true;
    this.inRects = this.outRects = null;
    this.numbers = null;
  };

  // Whether the numbers can be shown, and if not why (a sentence).
  function valuesRefusal(p, geo) {
    var nr = geo.rows.cells.length, nc = geo.cols.cells.length;
    var big = Math.max(nr, nc, geo.rows.out, geo.cols.out);
    if (p.inSize > VALUES_MAX_INPUT) {
      return "Numbers are shown for inputs up to " + VALUES_MAX_INPUT + "\u00d7" + VALUES_MAX_INPUT +
        " (this one is " + p.inSize + "\u00d7" + p.inSize + "): make the input smaller to see them.";
    }
    if (big > VALUES_MAX_DRAWN) {
      return "Numbers are shown for grids up to " + VALUES_MAX_DRAWN + " cells a side (these settings " +
        "draw " + big + "): use less padding, a smaller kernel or a smaller stride to see them.";
    }
    return null;
  }

  Explorer.prototype.update = function () {
    var transposed = this.el("explorer-transposed").checked;
    this.el("explorer-output-padding-field").hidden = !transposed;
    this.root.classList.toggle("cx-is-transposed", transposed);
    var message = this.el("explorer-message");
    var results = this.el("explorer-results");
    var toggle = this.el("explorer-values");
    var p, geo;
    try {
      p = readAll(this.root);
      geo = geometry(p);
    } catch (err) {
      if (!(err instanceof ExplorerError)) throw err;
      this.stop();
      this.geom = null;
      this.params = null;
      this.clearDerived();
      message.textContent = err.message;
      message.hidden = false;
      results.hidden = true;
      toggle.disabled = true;
      this.el("explorer-values-reason").textContent = "Numbers are shown once the settings are valid.";
      this.root.classList.remove("cx-show-values");
      this.el("explorer-output-size").textContent = "\u2014";
      this.el("explorer-output-size").setAttribute("data-valid", "false");
      return;
    }
    this.clearDerived();
    message.hidden = true;
    message.textContent = "";
    results.hidden = false;
    this.params = p;
    this.geom = geo;
    var outR = geo.rows.out, outC = geo.cols.out;
    var outSize = this.el("explorer-output-size");
    outSize.textContent = outR === outC ? String(outR) : outR + " \u00d7 " + outC;
    outSize.setAttribute("data-valid", "true");
    this.el("explorer-output-shape").textContent =
      "(" + p.inSize + "\u00d7" + p.inSize + " input \u2192 " + outR + "\u00d7" + outC + " output)";
    var padRead = this.el("explorer-padding-read");
    padRead.innerHTML = paddingReadHtml(p, geo);
    padRead.hidden = false;
    this.el("explorer-formula").innerHTML = formulaHtml(p, geo);
    this.el("explorer-unread").innerHTML = unreadHtml(p, geo);
    this.el("explorer-frameworks").innerHTML = frameworksHtml(p, geo);

    var nr = geo.rows.cells.length, nc = geo.cols.cells.length;
    var drawn = Math.max(nr, nc, outR, outC) <= MAX_DRAWN;
    var refusal = valuesRefusal(p, geo);
    toggle.disabled = refusal !== null;
    var showValues = toggle.checked && refusal === null;
    this.root.classList.toggle("cx-show-values", showValues);
    this.el("explorer-values-reason").textContent = refusal || (showValues
      ? "Input numbers from " + INPUT_RANGE[0] + " to " + INPUT_RANGE[1] + ", kernel numbers from " +
        minus(KERNEL_RANGE[0]) + " to " + KERNEL_RANGE[1] + ", the same on every visit (New numbers " +
        "draws others). Pick an output cell to see its sum."
      : "Small grids only: input up to " + VALUES_MAX_INPUT + "\u00d7" + VALUES_MAX_INPUT + ".");

    this.el("explorer-grids").hidden = !drawn;
    this.el("explorer-stepper").hidden = !drawn;
    this.el("explorer-too-large").hidden = drawn;
    if (!drawn) {
      this.stop();
      this.el("explorer-too-large").textContent =
        "The grids are drawn up to " + MAX_DRAWN + " cells a side; these settings need " +
        Math.max(nr, nc, outR, outC) + ". The numbers above are exact; make the input smaller to see the cells.";
      return;
    }
    if (showValues) this.numbers = this.compute(p, geo);
    var dims = function (a, b) { return a + "\u00d7" + b; };
    this.el("explorer-input-caption").textContent = p.transposed
      ? "Input " + dims(p.inSize, p.inSize) + ", spread out by the stride and padded (" + dims(nr, nc) + ")"
      : "Input " + dims(p.inSize, p.inSize) + " with padding (" + dims(nr, nc) + ")";
    this.el("explorer-output-caption").textContent = "Output " + dims(outR, outC);
    this.el("explorer-kernel-caption").textContent = showValues
      ? (p.transposed
        ? "Kernel " + dims(p.kernel, p.kernel) + ", flipped (as applied)"
        : "Kernel " + dims(p.kernel, p.kernel) + (p.dilation > 1 ? ", its taps " + p.dilation + " cells apart" : ""))
      : "";
    this.el("explorer-input-grid").innerHTML = inputSvg(geo, showValues ? this.numbers.x : null);
    this.el("explorer-output-grid").innerHTML = outputSvg(geo, showValues ? this.numbers.y : null);
    this.el("explorer-kernel-grid").innerHTML = showValues ? kernelSvg(this.numbers.w) : "";
    this.el("explorer-kernel-figure").hidden = !showValues;
    this.inRects = this.el("explorer-input-grid").querySelectorAll("rect.cx-cell");
    this.outRects = this.el("explorer-output-grid").querySelectorAll("rect.cx-cell");
    this.inTexts = {};
    var inTexts = this.inTexts;
    this.el("explorer-input-grid").querySelectorAll("text[data-r]").forEach(function (t) {
      inTexts[t.getAttribute("data-r") + "," + t.getAttribute("data-c")] = t;
    });
    var r = Math.min(this.sel[0], outR - 1), c = Math.min(this.sel[1], outC - 1);
    this.select(r, c);
  };

  // The numbers: input x (i x i), the kernel w as applied (k x k), and every output y.
  Explorer.prototype.compute = function (p, geo) {
    var x = table(this.seed, p.inSize, INPUT_RANGE);
    var forward = table(this.seed + 7919, p.kernel, KERNEL_RANGE);
    var k = p.kernel;
    var w = forward.map(function (row, a) {
      return row.map(function (value, b) {
        return p.transposed ? forward[k - 1 - a][k - 1 - b] : value;
      });
    });
    var value = function (a, b) {
      var ca = geo.rows.cells[a], cb = geo.cols.cells[b];
      return ca.kind === "in" && cb.kind === "in" ? x[ca.index][cb.index] : 0;
    };
    var y = [];
    for (var r = 0; r < geo.rows.out; r++) {
      var row = [], rows = geo.rows.reads(r);
      for (var c = 0; c < geo.cols.out; c++) {
        var cols = geo.cols.reads(c), sum = 0;
        for (var t = 0; t < k; t++) for (var u = 0; u < k; u++) sum += value(rows[t], cols[u]) * w[t][u];
        row.push(sum);
      }
      y.push(row);
    }
    return { x: x, w: w, y: y, value: value };
  };

  Explorer.prototype.select = function (r, c) {
    var geo = this.geom;
    if (!geo || !this.outRects) return;
    var nc = geo.cols.cells.length, outC = geo.cols.out;
    var prev = this.sel;
    if (this.outRects[prev[0] * outC + prev[1]]) {
      this.outRects[prev[0] * outC + prev[1]].classList.remove("cx-current");
    }
    this.el("explorer-output-grid").querySelectorAll("text.cx-on-current").forEach(function (t) {
      t.classList.remove("cx-on-current");
    });
    this.sel = [r, c];
    this.outRects[r * outC + c].classList.add("cx-current");
    var outText = this.el("explorer-output-grid").querySelector('text[data-r="' + r + '"][data-c="' + c + '"]');
    if (outText) outText.classList.add("cx-on-current");
    var rows = geo.rows.reads(r), cols = geo.cols.reads(c);
    var taps = {};
    rows.forEach(function (a) { cols.forEach(function (b) { taps[a * nc + b] = true; }); });
    for (var j = 0; j < this.inRects.length; j++) {
      this.inRects[j].classList.toggle("cx-tap", !!taps[j]);
      var t = this.inTexts[Math.floor(j / nc) + "," + (j % nc)];
      if (t) t.classList.toggle("cx-on-tap", !!taps[j]);
    }
    var win = this.el("explorer-input-grid").querySelector(".cx-window");
    win.setAttribute("x", MARGIN + cols[0] * CELL);
    win.setAttribute("y", MARGIN + rows[0] * CELL);
    win.setAttribute("width", (cols[cols.length - 1] - cols[0] + 1) * CELL);
    win.setAttribute("height", (rows[rows.length - 1] - rows[0] + 1) * CELL);
    this.el("explorer-window").innerHTML = this.describe(r, c, rows, cols);
    var sumBox = this.el("explorer-sum");
    if (this.numbers) {
      sumBox.innerHTML = this.sumHtml(r, c, rows, cols);
      sumBox.hidden = false;
    } else {
      sumBox.textContent = "";
      sumBox.hidden = true;
    }
  };

  // "Output (1, 2) = 1×2 + 0×(−1) + … = 7": the products in kernel order, row by row.
  Explorer.prototype.sumHtml = function (r, c, rows, cols) {
    var n = this.numbers, k = this.params.kernel, terms = [];
    for (var t = 0; t < k; t++) {
      for (var u = 0; u < k; u++) {
        var w = n.w[t][u];
        terms.push(n.value(rows[t], cols[u]) + "\u00d7" + (w < 0 ? "(" + minus(w) + ")" : w));
      }
    }
    return (
      "Output (row " + r + ", column " + c + ") = <span class=\"cx-products\">" + terms.join(" + ") +
        "</span> = <b>" + minus(n.y[r][c]) + "</b>" +
        (this.params.transposed ? " (input \u00d7 flipped kernel, tap by tap)" : " (input \u00d7 kernel, tap by tap)")
    );
  };

  // "reads input rows 1, 3, 5 and 1 padding row" for one axis.
  Explorer.prototype.axisText = function (g, reads, noun) {
    var inputs = [], pads = 0, zeros = 0;
    reads.forEach(function (j) {
      var c = g.cells[j];
      if (c.kind === "in") inputs.push(c.index);
      else if (c.kind === "pad") pads += 1;
      else zeros += 1;
    });
    var parts = [];
    if (inputs.length) parts.push("input " + noun + "s " + inputs.join(", "));
    if (pads) parts.push(pads + " padding " + noun + (pads > 1 ? "s" : ""));
    if (zeros) parts.push(zeros + " inserted zero " + noun + (zeros > 1 ? "s" : ""));
    return parts.join(" + ");
  };

  Explorer.prototype.describe = function (r, c, rows, cols) {
    var p = this.params, geo = this.geom;
    var gap = p.dilation > 1 ? " (with gaps of " + (p.dilation - 1) + " between taps: dilation " + p.dilation + ")" : "";
    return (
      "Output cell (row " + r + ", column " + c + ") sums " + p.kernel + "\u00d7" + p.kernel +
      " products" + gap + ": " + this.axisText(geo.rows, rows, "row") + "; " +
      this.axisText(geo.cols, cols, "column") + "."
    );
  };

  Explorer.prototype.step = function (delta) {
    var geo = this.geom;
    if (!geo || !this.outRects) return;
    var outC = geo.cols.out, total = geo.rows.out * outC;
    var index = (this.sel[0] * outC + this.sel[1] + delta + total) % total;
    this.select(Math.floor(index / outC), index % outC);
  };

  Explorer.prototype.togglePlay = function () {
    if (this.timer !== null) {
      this.stop();
      return;
    }
    var self = this;
    var button = this.el("explorer-play");
    button.querySelector(".cx-label").textContent = "Pause";
    button.querySelector(".cx-icon").textContent = "\u275a\u275a";
    button.classList.add("cx-playing");
    this.timer = window.setInterval(function () { self.step(1); }, PLAY_INTERVAL_MS);
  };

  Explorer.prototype.stop = function () {
    if (this.timer === null) return;
    window.clearInterval(this.timer);
    this.timer = null;
    var button = this.el("explorer-play");
    button.querySelector(".cx-label").textContent = "Play";
    button.querySelector(".cx-icon").textContent = "\u25b6";
    button.classList.remove("cx-playing");
  };

  function start() {
    var root = document.getElementById("explorer");
    if (!root) return;
    root.classList.add("cx-ready");
    new Explorer(root);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
