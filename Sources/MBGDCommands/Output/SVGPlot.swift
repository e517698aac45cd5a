import Foundation

/// A small SVG chart: lines and/or markers on linear or logarithmic axes, with ticks, axis
/// labels, a title and a legend. Self-contained SVG 1.1 that browsers and rsvg-convert render.
struct SVGPlot {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var line: Bool = true
        var markers: Bool = false
        /// Open markers: points that are bounds rather than measurements.
        var hollow = false
        /// A dashed line (a reference value such as the closed-form optimum).
        var dashed = false
        /// Line opacity: below 1 for a raw band drawn under its smoothed series.
        var opacity = 1.0
        /// The palette index to draw with (default: the series' own position), so that a band
        /// and its average share a colour.
        var colorIndex: Int?
        /// Half-widths of vertical error bars, one per point (a score ± its standard error); nil
        /// for none.
        var errorBars: [Double]? = nil
    }

    /// A vertical line across the plot area at `x` (a chosen value, such as a path's best alpha),
    /// named in the legend.
    struct Reference {
        var x: Double
        var name: String
        /// The SVG dash pattern, e.g. "6 3".
        var dashes = "6 3"
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var xLog = false
    var yLog = false
    var series: [Series] = []
    /// Draw the y = x diagonal (predicted against actual).
    var diagonal = false
    /// Vertical reference lines, drawn over the data and listed in the legend after the series.
    var references: [Reference] = []

    private let width = 760.0, height = 480.0
    private let left = 84.0, right = 24.0, top = 48.0, bottom = 64.0

    /// The legend sits to the right of the plot area, which it widens: it never covers data.
    var legendWidth: Double {
        let names = legendEntries.map(\.series.name) + references.map(\.name)
        return names.isEmpty ? 0 : 44 + 7.2 * Double(names.map(\.count).max()!)
    }

    /// The document's width: the plot's and its legend's.
    var documentWidth: Double { width + legendWidth }

    /// The document's height: the plot's, or the legend's where it has more entries than fit
    /// beside the plot area (so that none is cut off).
    var documentHeight: Double {
        let box = legendBox
        return Swift.max(height, (box.y + box.height + 8).rounded(.up))
    }

    /// The plot area (x, y, width, height) in the document's coordinates.
    var plotArea: (x: Double, y: Double, width: Double, height: Double) {
        (left, top, width - left - right, height - top - bottom)
    }

    /// The legend's box: every entry's mark and text lie inside it.
    var legendBox: (x: Double, y: Double, width: Double, height: Double) {
        (width - right + 8, top, legendWidth - 8, Double(legendEntries.count + references.count) * 18 + 8)
    }

    /// The named series that have something to draw, with their position in `series` (their
    /// colour): a name without a mark would describe nothing on the plot.
    var legendEntries: [(index: Int, series: Series)] {
        series.enumerated().filter { !$0.element.name.isEmpty && $0.element.points.contains(where: isDrawable) }.map {
            (index: $0.offset, series: $0.element)
        }
    }

    /// Filled markers of a short series are drawn larger: each is a measurement to be seen (a
    /// sweep's few batch sizes), where a long run's are a band.
    private func markerRadius(_ count: Int) -> Double { count <= 50 ? 3.2 : 2.2 }

    private static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ]
    /// The colour of reference lines: dark grey, apart from the palette.
    private static let referenceColor = "#444"

    func render() -> String {
        let usable = series.map { s in s.points.filter(isDrawable) }
        // The axes hold the error bars' ends and the reference lines too.
        let barEnds = series.flatMap { s in
            zip(s.points, s.errorBars ?? []).flatMap { point, half in [(x: point.x, y: point.y - half), (x: point.x, y: point.y + half)] }
                .filter(isDrawable)
        }
        let xs = usable.flatMap { $0.map(\.x) } + references.map(\.x).filter { valid($0, log: xLog) }
        let ys = usable.flatMap { $0.map(\.y) } + barEnds.map(\.y)
        var (xMin, xMax) = (xs.min() ?? 0, xs.max() ?? 1)
        var (yMin, yMax) = (ys.min() ?? 0, ys.max() ?? 1)
        if diagonal {
            (xMin, xMax) = (min(xMin, yMin), max(xMax, yMax))
            (yMin, yMax) = (xMin, xMax)
        }
        let xAxis = Axis(low: xMin, high: xMax, log: xLog), yAxis = Axis(low: yMin, high: yMax, log: yLog)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - yAxis.fraction(y)) * plotHeight }

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(documentWidth))" height="\(Int(documentHeight))" viewBox="0 0 \(Int(documentWidth)) \(Int(documentHeight))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(left + (width - left - right) / 2))" y="28" text-anchor="middle" font-size="16" font-weight="bold">\(escape(title))</text>

            """
        // Grid and ticks.
        for tick in xAxis.ticks() {
            let x = px(tick)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(escape(xAxis.label(tick)))</text>\n"
        }
        for tick in yAxis.ticks() {
            let y = py(tick)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(escape(yAxis.label(tick)))</text>\n"
        }
        svg +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(20 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        if diagonal {
            svg +=
                "<line x1=\"\(f(px(xMin)))\" y1=\"\(f(py(xMin)))\" x2=\"\(f(px(xMax)))\" y2=\"\(f(py(xMax)))\" stroke=\"#999\" stroke-dasharray=\"6 4\"/>\n"
        }
        // Data, clipped to the plot area.
        svg +=
            "<clipPath id=\"area\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\"/></clipPath>\n<g clip-path=\"url(#area)\">\n"
        for (index, points) in usable.enumerated() {
            let s = series[index]
            let color = Self.palette[(s.colorIndex ?? index) % Self.palette.count]
            if s.line, points.count > 1 {
                let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                let style = (s.dashed ? " stroke-dasharray=\"7 4\"" : "") + (s.opacity < 1 ? " stroke-opacity=\"\(s.opacity)\"" : "")
                let width = s.opacity < 1 ? "0.8" : "1.6"
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(width)\"\(style) points=\"\(path)\"/>\n"
            }
            if s.markers {
                for point in points {
                    svg += marker(at: (px(point.x), py(point.y)), of: s, color: color, radius: markerRadius(points.count))
                }
            }
            for (point, half) in zip(s.points, s.errorBars ?? []) where isDrawable(point) && half.isFinite && half > 0 {
                // A vertical bar with short caps, from y − half to y + half.
                // On a log axis a bar reaching 0 or below runs to the bottom of the plot area.
                let x = px(point.x), high = py(point.y + half)
                let low = valid(point.y - half, log: yLog) ? py(point.y - half) : top + plotHeight
                svg += "<path class=\"error-bar\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1\" "
                svg += "d=\"M\(f(x)),\(f(low))V\(f(high))M\(f(x - 3)),\(f(low))H\(f(x + 3))M\(f(x - 3)),\(f(high))H\(f(x + 3))\"/>\n"
            }
        }
        for reference in references where valid(reference.x, log: xLog) {
            let x = px(reference.x)
            svg += "<line class=\"reference\" x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\" "
            svg += "stroke=\"\(Self.referenceColor)\" stroke-width=\"1.2\" stroke-dasharray=\"\(reference.dashes)\"/>\n"
        }
        svg += "</g>\n"
        // Legend, right of the plot area: each entry's line and marker as drawn on the plot.
        let box = legendBox
        for (entry, (index, s)) in legendEntries.enumerated() {
            let y = box.y + 16 + Double(entry) * 18, x = box.x + 4
            let color = Self.palette[(s.colorIndex ?? index) % Self.palette.count]
            let style = (s.dashed ? " stroke-dasharray=\"7 4\"" : "") + (s.opacity < 1 ? " stroke-opacity=\"\(s.opacity)\"" : "")
            if s.line {
                svg +=
                    "<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 22))\" y2=\"\(f(y - 4))\" stroke=\"\(color)\" stroke-width=\"2\"\(style)/>\n"
            }
            if s.markers || !s.line { svg += marker(at: (x + 11, y - 4), of: s, color: color, radius: 3.2) }
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(y))\">\(escape(s.name))</text>\n"
        }
        for (offset, reference) in references.enumerated() {
            let y = box.y + 16 + Double(legendEntries.count + offset) * 18, x = box.x + 4
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 22))\" y2=\"\(f(y - 4))\" "
            svg += "stroke=\"\(Self.referenceColor)\" stroke-width=\"1.2\" stroke-dasharray=\"\(reference.dashes)\"/>\n"
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(y))\">\(escape(reference.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Several plots one above the other in one SVG document, each a nested `<svg>` panel.
    static func renderStacked(_ plots: [SVGPlot]) -> String {
        guard !plots.isEmpty else { return "" }
        // Panels are as tall as their own documents (a long legend makes one taller).
        let tops = plots.reduce(into: [0.0]) { $0.append($0.last! + $1.documentHeight) }
        let width = plots.map(\.documentWidth).max()!
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(tops.last!))" viewBox="0 0 \(Int(width)) \(Int(tops.last!))">

            """
        for (index, plot) in plots.enumerated() {
            // The panel is the plot's own document without its XML declaration, placed by y.
            var panel = plot.render()
            if let end = panel.range(of: "?>\n") { panel.removeSubrange(panel.startIndex..<end.upperBound) }
            svg += panel.replacingOccurrences(
                of: "<svg xmlns=\"http://www.w3.org/2000/svg\" ", with: "<svg y=\"\(Int(tops[index]))\" ")
            svg += "\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// An open circle for a bound (`hollow`), a filled one for a measurement.
    private func marker(at point: (x: Double, y: Double), of s: Series, color: String, radius: Double) -> String {
        s.hollow
            ? "<circle cx=\"\(f(point.x))\" cy=\"\(f(point.y))\" r=\"4\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"/>\n"
            : "<circle cx=\"\(f(point.x))\" cy=\"\(f(point.y))\" r=\"\(f(radius))\" fill=\"\(color)\" fill-opacity=\"0.55\"/>\n"
    }

    /// Whether a point can be placed on these axes (finite; positive on a log axis).
    private func isDrawable(_ point: (x: Double, y: Double)) -> Bool { valid(point.x, log: xLog) && valid(point.y, log: yLog) }
    private func valid(_ value: Double, log: Bool) -> Bool { value.isFinite && (!log || value > 0) }
    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}

/// One axis: its range (padded, or whole decades on a log scale), ticks and labels.
private struct Axis {
    let low: Double, high: Double, log: Bool

    init(low: Double, high: Double, log: Bool) {
        self.log = log
        if log {
            // No positive value to show (a cost of exactly zero): one empty decade, not log(0).
            let bottom = low > 0 && low.isFinite ? low : 1, top = high > 0 && high.isFinite ? Swift.max(high, bottom) : 10 * bottom
            let a = Foundation.log10(bottom), b = Foundation.log10(top)
            // A margin keeps the extreme marks off the frame (a batch size of 1 sat on it, half
            // clipped). The axis ends at the data when two decade ticks fit inside (1373 epochs
            // on an axis to 10⁴ left a fifth of the width empty), else it spans whole decades.
            let margin = Swift.max(0.03 * (b - a), 0.02)
            var (first, last) = (a - margin, b + margin)
            if last.rounded(.down) - first.rounded(.up) < 1 {
                (first, last) = (first.rounded(.down), Swift.max(last.rounded(.up), first.rounded(.down) + 1))
            }
            self.low = Foundation.pow(10, first)
            self.high = Foundation.pow(10, last)
        } else {
            let span = high > low ? high - low : Swift.max(abs(low), 1)
            self.low = high > low ? low - 0.04 * span : low - span / 2
            self.high = high > low ? high + 0.04 * span : high + span / 2
        }
    }

    func fraction(_ value: Double) -> Double {
        log
            ? (Foundation.log10(value) - Foundation.log10(low)) / (Foundation.log10(high) - Foundation.log10(low))
            : (value - low) / (high - low)
    }

    func ticks() -> [Double] {
        if log {
            // The decades inside the range (its ends need not be decades).
            let first = Int((Foundation.log10(low) - 1e-9).rounded(.up)), last = Int((Foundation.log10(high) + 1e-9).rounded(.down))
            let step = Swift.max(1, (last - first + 7) / 8)
            let decades = stride(from: first, through: last, by: step).map { Foundation.pow(10, Double($0)) }
            guard decades.count < 3 else { return decades }
            // Two decade ticks leave most of an axis unlabelled: 2 and 5 of each decade as well.
            var ticks: [Double] = []
            for exponent in (first - 1)...last {
                let decade = Foundation.pow(10, Double(exponent))
                ticks += [decade, 2 * decade, 5 * decade].filter { $0 >= low * (1 - 1e-9) && $0 <= high * (1 + 1e-9) }
            }
            return ticks
        }
        let raw = (high - low) / 6
        let magnitude = Foundation.pow(10, Foundation.log10(raw).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var tick = (low / step).rounded(.up) * step
        var result: [Double] = []
        while tick <= high + step * 1e-9 {
            result.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return result
    }

    func label(_ value: Double) -> String {
        if log {
            // 2e-5, not 2e-05; 1e6 for a decade.
            let exponent = Int((Foundation.log10(value) + 1e-9).rounded(.down))
            let mantissa = Int((value / Foundation.pow(10, Double(exponent))).rounded())
            return (-3...4).contains(exponent) ? String(format: "%g", value) : "\(mantissa)e\(exponent)"
        }
        return String(format: "%g", value)
    }
}
