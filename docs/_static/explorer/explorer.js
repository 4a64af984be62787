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
 *     that no output reads, and what PyTorch and TensorFlow call the settings.
 *
 * The arithmetic is the one of convlib.conv_output_size and
 * convlib.conv_transpose_output_size (tests/browser/ compare the two over a
 * grid of settings). The same settings apply to both axes, so every geometric
 * quantity is computed for one axis and used for rows and columns alike.
 */
(function () {
  "use strict";

  var MAX_VALUE = 1000; // largest number accepted in any field
  var MAX_DRAWN = 48; // largest grid (cells per side) drawn
  var CELL = 20; // SVG units per cell
  var MARGIN = 18; // SVG units kept for the row and column numbers
  var PIXELS_PER_UNIT = 1.6; // cells of 32 px, shrunk to fit narrow screens
  var PLAY_INTERVAL_MS = 650;

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

  // Padding: a whole number (both sides) or "same", "valid", "full".
  function readPadding(text, transposed) {
    var t = String(text).trim().toLowerCase();
    if (t === "same" || t === "valid" || t === "full") {
      if (transposed) {
        throw new ExplorerError(
          "In transposed mode padding is a number, as in PyTorch's ConvTranspose2d (it removes " +
            "that many cells from each end of the output); \u201c" + t + "\u201d only applies to " +
            "an ordinary convolution."
        );
      }
      return t;
    }
    if (t === "") {
      throw new ExplorerError('Padding is empty: type a whole number, or "same", "valid" or "full".');
    }
    if (!/^[+-]?\d+$/.test(t)) {
      throw new ExplorerError(
        'Padding must be a whole number or one of "same", "valid", "full"; got \u201c' +
          String(text).trim() + "\u201d."
      );
    }
    var value = parseInt(t, 10);
    if (value < 0) {
      throw new ExplorerError("Padding must be 0 or more, got " + value + ".");
    }
    if (value > MAX_VALUE) {
      throw new ExplorerError("Padding must be at most " + MAX_VALUE + " here, got " + value + ".");
    }
    return value;
  }

  /* ----------------------------------------------------------- arithmetic */

  // TensorFlow's "SAME": output ceil(i / s); the odd padding cell goes after.
  function samePadding(i, k, s, d) {
    var out = Math.ceil(i / s);
    var kEff = d * (k - 1) + 1;
    var total = Math.max((out - 1) * s + kEff - i, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }

  function padsFor(padding, i, k, s, d) {
    if (padding === "valid") return [0, 0];
    if (padding === "same") return samePadding(i, k, s, d);
    if (padding === "full") return [d * (k - 1), d * (k - 1)];
    return [padding, padding];
  }

  /*
   * The geometry of one axis. `cells` lists what is drawn along the axis:
   * kind "in" (an input cell, with its index), "pad" (a padding zero), "zero"
   * (a zero inserted between input cells by a transposed convolution's
   * stride) or "crop" (a cell a transposed convolution's padding removes).
   * Output cell o reads the drawn cells start + o * step + t * d, t < k.
   */
  function geometry(p) {
    var i = p.inSize, k = p.kernel, s = p.stride, d = p.dilation;
    var kEff = d * (k - 1) + 1;
    var cells = [], g, x;
    if (!p.transposed) {
      var pads = padsFor(p.padding, i, k, s, d);
      var padded = i + pads[0] + pads[1];
      if (kEff > padded) {
        throw new ExplorerError(
          "The kernel does not fit: dilated, it spans d\u00b7(k \u2212 1) + 1 = " + d + "\u00b7(" + k +
            " \u2212 1) + 1 = " + kEff + " cells, more than the padded input's " + i + " + " +
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
      if (op >= Math.max(s, d)) {
        throw new ExplorerError(
          "Output padding must be smaller than the stride or the dilation (at most " +
            (Math.max(s, d) - 1) + " here), got " + op + ". It only chooses between the " +
            "input sizes that a stride-" + s + " convolution maps to the same output size."
        );
      }
      var spread = (i - 1) * s + 1; // the input with s - 1 zeros between cells
      var before = d * (k - 1) - p.padding; // zeros added before (negative: cropped)
      var after = before + op;
      var length = spread + before + after; // what the stride-1 convolution runs over
      var outT = length - kEff + 1;
      if (outT < 1) {
        throw new ExplorerError(
          "Padding " + p.padding + " removes the whole output: without it the output would have " +
            (outT + 2 * p.padding) + " cells, and padding takes " + p.padding +
            " from each end. Use a smaller padding."
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
        cells: cells, start: -before - lo, step: 1, kEff: kEff, before: before, after: after,
        spread: spread, out: outT
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

  /* ------------------------------------------------------------- writing */

  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function v(name) {
    return "<var>" + name + "</var>";
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

  function formulaHtml(p, g) {
    var i = p.inSize, k = p.kernel, s = p.stride, d = p.dilation, lines = [];
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
      var num = i + pb + pa - g.kEff;
      lines.push(
        '<span class="cx-eq">' + v("o") + " = \u230a(" + v("i") + " + " + v("p<sub>before</sub>") + " + " +
          v("p<sub>after</sub>") + " \u2212 " + v("d") + "\u00b7(" + v("k") + " \u2212 1) \u2212 1) / " +
          v("s") + "\u230b + 1</span>" +
          '<span class="cx-eq">= \u230a(' + i + " + " + pb + " + " + pa + " \u2212 " + d + "\u00b7(" + k +
          " \u2212 1) \u2212 1) / " + s + "\u230b + 1 = \u230a" + num + " / " + s + "\u230b + 1 = " +
          "<b>" + g.out + "</b></span>"
      );
      if (num % s !== 0) {
        lines.push(
          "The division leaves " + (num % s) + ": the last " + (num % s) + " cell" +
            (num % s > 1 ? "s" : "") + " of the padded input come after the last window, too few for " +
            "another step of " + s + "; rounding down drops that incomplete step."
        );
      }
    } else {
      var pp = p.padding, op = p.outputPadding;
      lines.push(
        "A transposed convolution is drawn here as an ordinary stride-1 convolution over the input " +
          "spread out by the stride (" + (s - 1) + " zero" + (s - 1 === 1 ? "" : "s") +
          " between cells) and padded with " + v("d") + "\u00b7(" + v("k") + " \u2212 1) \u2212 " +
          v("p") + " = " + g.before + " zero" + (Math.abs(g.before) === 1 ? "" : "s") + " before and " +
          g.after + " after" + (op ? " (output padding adds " + op + " after)" : "") +
          (g.before < 0 ? "; a negative number crops cells instead (drawn faded)" : "") +
          ". The kernel it applies is the forward kernel flipped."
      );
      lines.push(
        '<span class="cx-eq">' + v("o") + " = (" + v("i") + " \u2212 1)\u00b7" + v("s") + " \u2212 2" +
          v("p") + " + " + v("d") + "\u00b7(" + v("k") + " \u2212 1) + " + v("output_padding") +
          " + 1</span>" +
          '<span class="cx-eq">= (' + i + " \u2212 1)\u00b7" + s + " \u2212 2\u00b7" + pp + " + " + d +
          "\u00b7(" + k + " \u2212 1) + " + op + " + 1 = <b>" + g.out + "</b></span>"
      );
    }
    return lines.map(function (l) { return "<p>" + l + "</p>"; }).join("");
  }

  function unreadHtml(p, g) {
    var unreadInput = [], unreadPad = 0, unreadZero = 0, cropped = [];
    g.cells.forEach(function (c, j) {
      if (c.cropped) {
        if (c.kind === "in") cropped.push(c.index);
        return;
      }
      if (g.read[j]) return;
      if (c.kind === "in") unreadInput.push(c.index);
      else if (c.kind === "pad") unreadPad += 1;
      else unreadZero += 1;
    });
    var parts = [];
    if (unreadInput.length === 0 && cropped.length === 0) {
      parts.push("Every input row and column is read by at least one output cell.");
    } else {
      if (unreadInput.length) {
        parts.push(
          '<b class="cx-warn">Input rows and columns never read: ' + listNumbers(unreadInput) +
            "</b> (counting from 0; hatched in the grid). " +
            (g.step > 1 || p.dilation > 1
              ? "The stride or the dilation steps over them: whatever they hold has no effect on the output."
              : "No window reaches them.")
        );
      }
      if (cropped.length) {
        parts.push(
          '<b class="cx-warn">Input rows and columns cropped away by the padding: ' +
            listNumbers(cropped) + "</b> (counting from 0; drawn faded)."
        );
      }
    }
    if (unreadPad) {
      parts.push(
        unreadPad + " padding row" + (unreadPad > 1 ? "s are" : " is") +
          " never read either: padding that no window reaches only costs memory."
      );
    }
    if (unreadZero) {
      parts.push(unreadZero + " of the inserted zeros are never read.");
    }
    return parts.map(function (l) { return "<p>" + l + "</p>"; }).join("");
  }

  function code(text) {
    return "<code>" + esc(text) + "</code>";
  }

  function verdict(kind, label) {
    return '<span class="cx-verdict cx-verdict-' + kind + '">' + label + "</span> ";
  }

  function frameworksHtml(p, g) {
    var k = p.kernel, s = p.stride, d = p.dilation, i = p.inSize;
    var torch, tf;
    if (!p.transposed) {
      var pb = g.pads[0], pa = g.pads[1];
      var torchCall = function (padText) {
        return code(
          "nn.Conv2d(c_in, c_out, kernel_size=" + k + ", stride=" + s + ", padding=" + padText +
            ", dilation=" + d + ")"
        );
      };
      if (p.padding === "same" && s > 1) {
        torch =
          verdict("no", "refused") + code('padding="same"') +
          " raises a ValueError for a stride above 1 (\u201cnot supported for strided convolutions\u201d). " +
          (pb === pa
            ? "Here the padding is symmetric, so " + torchCall(String(pb)) + " gives the same result."
            : "Pad by hand, " + pb + " before and " + pa + " after: " +
              code("F.pad(x, (" + pb + ", " + pa + ", " + pb + ", " + pa + "))") + " then " +
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
      } else {
        torch = verdict("ok", "works") + torchCall(String(p.padding));
      }

      var tfCall = function (padText) {
        return code(
          "layers.Conv2D(c_out, " + k + ", strides=" + s + ', padding="' + padText + '", dilation_rate=' +
            d + ")"
        );
      };
      var sameHere = samePadding(i, k, s, d);
      var tfPads = "[[0, 0], [" + pb + ", " + pa + "], [" + pb + ", " + pa + "], [0, 0]]";
      if (s > 1 && d > 1) {
        tf =
          verdict("warn", "Keras refuses") + "Keras " + code("Conv2D") + " raises a ValueError for " +
          code("strides") + " above 1 together with " + code("dilation_rate") + " above 1. The low-level " +
          code("tf.nn.conv2d(x, w, strides=" + s + ", padding=" + tfPads + ", dilations=" + d + ")") +
          " (NHWC) accepts it.";
      } else if (p.padding === "same") {
        tf = verdict("ok", "works") + tfCall("same") + " \u2014 it pads " + pb + " before and " + pa + " after.";
      } else if (p.padding === "valid" || p.padding === 0) {
        tf = verdict("ok", "works") + tfCall("valid");
      } else if (pb === sameHere[0] && pa === sameHere[1]) {
        tf =
          verdict("ok", "works") + tfCall("same") + ": for this input size, " + code('"same"') +
          " pads exactly " + pb + " on each side (for another input size or stride it may not).";
      } else {
        tf =
          verdict("warn", "two layers") + "Keras " + code("Conv2D") + " knows only " + code('"valid"') +
          " and " + code('"same"') + ": " + code("layers.ZeroPadding2D(" + pb + ")") + " then " +
          tfCall("valid") + ", or " + code("tf.nn.conv2d(x, w, strides=" + s + ", padding=" + tfPads +
          ", dilations=" + d + ")") + ".";
      }
    } else {
      var op = p.outputPadding, pp = p.padding;
      torch =
        verdict("ok", "works") +
        code(
          "nn.ConvTranspose2d(c_in, c_out, kernel_size=" + k + ", stride=" + s + ", padding=" + pp +
            ", output_padding=" + op + ", dilation=" + d + ")"
        );
      var kerasDefault = i * s + Math.max(g.kEff - s, 0);
      var crop = pp > 0 ? " then " + code("layers.Cropping2D(" + pp + ")") : "";
      if (d > 1) {
        var b = g.before, a = g.after;
        var pads = "[[0, 0], [" + Math.max(b, 0) + ", " + Math.max(a, 0) + "], [" + Math.max(b, 0) + ", " +
          Math.max(a, 0) + "], [0, 0]]";
        var cropText = b < 0 || a < 0
          ? " after cropping " + Math.max(-b, 0) + " cell(s) at the start and " + Math.max(-a, 0) + " at the end"
          : "";
        tf =
          verdict("warn", "depends") +
          (s > 1 ? "Keras " + code("Conv2DTranspose") + " refuses " + code("strides") + " above 1 together with " +
            code("dilation_rate") + " above 1, and " : "") +
          "TensorFlow\u2019s CPU kernel for a dilated transposed convolution does not run everywhere (with " +
          "oneDNN off, " + code("TF_ENABLE_ONEDNN_OPTS=0") + ", it raises an error). What always works is the " +
          "picture above: spread the input out (" + (s - 1) + " zero" + (s - 1 === 1 ? "" : "s") +
          " between cells)" + cropText + ", then " +
          code("tf.nn.conv2d(x_spread, w_flipped, strides=1, padding=" + pads + ", dilations=" + d + ")") +
          " with the kernel flipped in both spatial axes.";
      } else if (op >= s) {
        tf =
          verdict("no", "refused") + "Keras requires " + code("output_padding") + " smaller than " +
          code("strides") + " (PyTorch allows it below the dilation too).";
      } else {
        tf =
          verdict(pp > 0 ? "warn" : "ok", pp > 0 ? "two layers" : "works") +
          code(
            "layers.Conv2DTranspose(c_out, " + k + ", strides=" + s + ', padding="valid", output_padding=' +
              op + ", dilation_rate=" + d + ")"
          ) + crop + ". Give " + code("output_padding") + " even when it is 0: without it Keras picks " +
          "its own length, here " + kerasDefault + (pp > 0 ? " before cropping" : "") + ", and with " +
          code('padding="same"') + " the output is input \u00d7 stride = " + i * s + ".";
      }
    }
    return (
      '<div class="cx-fw"><h4>PyTorch</h4><p>' + torch + "</p></div>" +
      '<div class="cx-fw"><h4>TensorFlow / Keras</h4><p>' + tf + "</p></div>"
    );
  }

  /* -------------------------------------------------------------- drawing */

  function cellClass(c, read) {
    var cls = "cx-cell cx-" + c.kind;
    if (c.cropped) cls += " cx-cropped";
    else if (c.kind === "in" && !read) cls += " cx-unread";
    return cls;
  }

  function inputSvg(g) {
    var n = g.cells.length, size = MARGIN + n * CELL;
    var out = [
      '<svg class="cx-svg" style="width: ' + size * PIXELS_PER_UNIT + 'px" viewBox="0 0 ' + size + " " + size + '" role="img" aria-labelledby="explorer-input-caption">',
      "<defs>" +
        '<pattern id="cx-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
        '<rect class="cx-hatch-bg" width="6" height="6"></rect><line class="cx-hatch-line" x1="0" y1="0" x2="0" y2="6"></line>' +
        "</pattern></defs>"
    ];
    var fontSize = Math.min(10, CELL * 0.5);
    for (var j = 0; j < n; j++) {
      var c = g.cells[j];
      if (c.kind === "in" && (n <= 24 || c.index % 5 === 0)) {
        var center = MARGIN + j * CELL + CELL / 2;
        out.push('<text class="cx-axis" x="' + center + '" y="' + (MARGIN - 5) + '" font-size="' + fontSize + '">' + c.index + "</text>");
        out.push('<text class="cx-axis" x="' + (MARGIN - 4) + '" y="' + (center + 3) + '" text-anchor="end" font-size="' + fontSize + '">' + c.index + "</text>");
      }
    }
    for (var r = 0; r < n; r++) {
      for (var q = 0; q < n; q++) {
        var cr = g.cells[r], cc = g.cells[q];
        var kind = cr.kind === "in" && cc.kind === "in" ? "in" : cr.kind === "pad" || cc.kind === "pad" ? "pad" : "zero";
        var cell = { kind: kind, cropped: cr.cropped || cc.cropped };
        var read = g.read[r] && g.read[q];
        var x = MARGIN + q * CELL, y = MARGIN + r * CELL;
        out.push(
          '<rect class="' + cellClass(cell, read) + '" data-r="' + r + '" data-c="' + q + '" x="' + x + '" y="' + y +
            '" width="' + CELL + '" height="' + CELL + '"></rect>'
        );
        if (kind !== "in" && n <= 24) {
          out.push('<text class="cx-zero-label" x="' + (x + CELL / 2) + '" y="' + (y + CELL / 2 + 3.5) + '">0</text>');
        }
      }
    }
    // The input itself, outlined, so that padding is told apart at a glance.
    var first = -1, last = -1;
    g.cells.forEach(function (c, j) {
      if (c.kind === "in" && !c.cropped) { if (first < 0) first = j; last = j; }
    });
    if (first >= 0) {
      var a = MARGIN + first * CELL, w = (last - first + 1) * CELL;
      out.push('<rect class="cx-input-outline" x="' + a + '" y="' + a + '" width="' + w + '" height="' + w + '"></rect>');
    }
    out.push('<rect class="cx-window" x="0" y="0" width="0" height="0"></rect>');
    out.push("</svg>");
    return out.join("");
  }

  function outputSvg(g) {
    var n = g.out, size = MARGIN + n * CELL, out = [];
    out.push(
      '<svg class="cx-svg" style="width: ' + size * PIXELS_PER_UNIT + 'px" viewBox="0 0 ' + size + " " + size + '" tabindex="0" role="group" ' +
        'aria-labelledby="explorer-output-caption" aria-describedby="explorer-window" ' +
        'aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight Home End">'
    );
    var fontSize = Math.min(10, CELL * 0.5);
    for (var j = 0; j < n; j++) {
      if (n <= 24 || j % 5 === 0) {
        var center = MARGIN + j * CELL + CELL / 2;
        out.push('<text class="cx-axis" x="' + center + '" y="' + (MARGIN - 5) + '" font-size="' + fontSize + '">' + j + "</text>");
        out.push('<text class="cx-axis" x="' + (MARGIN - 4) + '" y="' + (center + 3) + '" text-anchor="end" font-size="' + fontSize + '">' + j + "</text>");
      }
    }
    for (var r = 0; r < n; r++) {
      for (var q = 0; q < n; q++) {
        out.push(
          '<rect class="cx-cell cx-out" data-r="' + r + '" data-c="' + q + '" x="' + (MARGIN + q * CELL) + '" y="' +
            (MARGIN + r * CELL) + '" width="' + CELL + '" height="' + CELL + '"></rect>'
        );
      }
    }
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
    this.el("explorer-play").addEventListener("click", function () { self.togglePlay(); });
    this.el("explorer-prev").addEventListener("click", function () { self.stop(); self.step(-1); });
    this.el("explorer-next").addEventListener("click", function () { self.stop(); self.step(1); });
    var outBox = this.el("explorer-output-grid");
    outBox.addEventListener("mouseover", function (ev) {
      var t = ev.target;
      if (t && t.getAttribute && t.getAttribute("data-r") !== null) {
        self.stop();
        self.select(+t.getAttribute("data-r"), +t.getAttribute("data-c"));
      }
    });
    outBox.addEventListener("click", function (ev) {
      var t = ev.target;
      if (t && t.getAttribute && t.getAttribute("data-r") !== null) {
        self.stop();
        self.select(+t.getAttribute("data-r"), +t.getAttribute("data-c"));
      }
    });
    outBox.addEventListener("keydown", function (ev) {
      if (!self.geom) return;
      var n = self.geom.out, r = self.sel[0], c = self.sel[1];
      var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      if (moves[ev.key]) {
        r = Math.min(n - 1, Math.max(0, r + moves[ev.key][0]));
        c = Math.min(n - 1, Math.max(0, c + moves[ev.key][1]));
      } else if (ev.key === "Home") {
        r = 0; c = 0;
      } else if (ev.key === "End") {
        r = n - 1; c = n - 1;
      } else {
        return;
      }
      ev.preventDefault();
      self.stop();
      self.select(r, c);
    });
  };

  Explorer.prototype.update = function () {
    var transposed = this.el("explorer-transposed").checked;
    this.el("explorer-output-padding-field").hidden = !transposed;
    this.root.classList.toggle("cx-is-transposed", transposed);
    var message = this.el("explorer-message");
    var results = this.el("explorer-results");
    var p, g;
    try {
      p = readAll(this.root);
      g = geometry(p);
    } catch (err) {
      if (!(err instanceof ExplorerError)) throw err;
      this.stop();
      this.geom = null;
      message.textContent = err.message;
      message.hidden = false;
      results.hidden = true;
      this.el("explorer-output-size").textContent = "\u2014";
      this.el("explorer-output-size").setAttribute("data-valid", "false");
      return;
    }
    message.hidden = true;
    message.textContent = "";
    results.hidden = false;
    this.params = p;
    this.geom = g;
    var outSize = this.el("explorer-output-size");
    outSize.textContent = String(g.out);
    outSize.setAttribute("data-valid", "true");
    this.el("explorer-output-shape").textContent =
      "(" + p.inSize + "\u00d7" + p.inSize + " input \u2192 " + g.out + "\u00d7" + g.out + " output)";
    this.el("explorer-formula").innerHTML = formulaHtml(p, g);
    this.el("explorer-unread").innerHTML = unreadHtml(p, g);
    this.el("explorer-frameworks").innerHTML = frameworksHtml(p, g);

    var n = g.cells.length;
    var drawn = n <= MAX_DRAWN && g.out <= MAX_DRAWN;
    this.el("explorer-grids").hidden = !drawn;
    this.el("explorer-stepper").hidden = !drawn;
    this.el("explorer-too-large").hidden = drawn;
    if (!drawn) {
      this.stop();
      this.el("explorer-window").textContent = "";
      this.el("explorer-too-large").textContent =
        "The grids are drawn up to " + MAX_DRAWN + " cells a side; these settings need " + Math.max(n, g.out) +
        ". The numbers above are exact; make the input smaller to see the cells.";
      return;
    }
    this.el("explorer-input-caption").textContent = p.transposed
      ? "Input " + p.inSize + "\u00d7" + p.inSize + ", spread out by the stride and padded (" + n + "\u00d7" + n + ")"
      : "Input " + p.inSize + "\u00d7" + p.inSize + " with padding (" + n + "\u00d7" + n + ")";
    this.el("explorer-output-caption").textContent = "Output " + g.out + "\u00d7" + g.out;
    this.el("explorer-input-grid").innerHTML = inputSvg(g);
    this.el("explorer-output-grid").innerHTML = outputSvg(g);
    this.inRects = this.el("explorer-input-grid").querySelectorAll("rect.cx-cell");
    this.outRects = this.el("explorer-output-grid").querySelectorAll("rect.cx-cell");
    var r = Math.min(this.sel[0], g.out - 1), c = Math.min(this.sel[1], g.out - 1);
    this.select(r, c);
  };

  Explorer.prototype.select = function (r, c) {
    var g = this.geom;
    if (!g) return;
    var n = g.cells.length;
    var prev = this.sel;
    if (this.outRects && this.outRects[prev[0] * g.out + prev[1]]) {
      this.outRects[prev[0] * g.out + prev[1]].classList.remove("cx-current");
    }
    this.sel = [r, c];
    this.outRects[r * g.out + c].classList.add("cx-current");
    var rows = g.reads(r), cols = g.reads(c);
    var taps = {};
    rows.forEach(function (a) { cols.forEach(function (b) { taps[a * n + b] = true; }); });
    for (var j = 0; j < this.inRects.length; j++) {
      this.inRects[j].classList.toggle("cx-tap", !!taps[j]);
    }
    var win = this.el("explorer-input-grid").querySelector(".cx-window");
    win.setAttribute("x", MARGIN + cols[0] * CELL);
    win.setAttribute("y", MARGIN + rows[0] * CELL);
    win.setAttribute("width", (cols[cols.length - 1] - cols[0] + 1) * CELL);
    win.setAttribute("height", (rows[rows.length - 1] - rows[0] + 1) * CELL);
    this.el("explorer-window").innerHTML = this.describe(r, c, rows, cols);
  };

  // "reads input rows 1, 3, 5 and 1 padding row" for one axis.
  Explorer.prototype.axisText = function (reads, noun) {
    var g = this.geom, inputs = [], pads = 0, zeros = 0;
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
    var p = this.params;
    var gap = p.dilation > 1 ? " (with gaps of " + (p.dilation - 1) + " between taps: dilation " + p.dilation + ")" : "";
    return (
      "Output cell (row " + r + ", column " + c + ") sums " + p.kernel + "\u00d7" + p.kernel +
      " products" + gap + ": " + this.axisText(rows, "row") + "; " + this.axisText(cols, "column") + "."
    );
  };

  Explorer.prototype.step = function (delta) {
    var g = this.geom;
    if (!g) return;
    var total = g.out * g.out;
    var index = (this.sel[0] * g.out + this.sel[1] + delta + total) % total;
    this.select(Math.floor(index / g.out), index % g.out);
  };

  Explorer.prototype.togglePlay = function () {
    if (this.timer !== null) {
      this.stop();
      return;
    }
    var self = this;
    var button = this.el("explorer-play");
    button.textContent = "\u275a\u275a Pause";
    button.setAttribute("aria-pressed", "true");
    this.timer = window.setInterval(function () { self.step(1); }, PLAY_INTERVAL_MS);
  };

  Explorer.prototype.stop = function () {
    if (this.timer === null) return;
    window.clearInterval(this.timer);
    this.timer = null;
    var button = this.el("explorer-play");
    button.textContent = "\u25b6 Play";
    button.setAttribute("aria-pressed", "false");
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
