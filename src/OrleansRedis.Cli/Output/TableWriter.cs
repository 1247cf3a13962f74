using System.Globalization;
using System.Text.Json;

namespace OrleansRedis.Cli.Output;

/// <summary>
/// Renders JSON for people: an object as aligned <c>name  value</c> rows (nested arrays of objects as tables below it),
/// an array of objects as a table with a column per property.
/// </summary>
public static class TableWriter
{
    private const int MaxCellWidth = 60;

    /// <summary>Writes <paramref name="value"/> to <paramref name="output"/>.</summary>
    public static void Write(JsonElement value, TextWriter output)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                WriteTable(value.EnumerateArray().ToList(), output);
                break;
            case JsonValueKind.Object:
                WriteObject(value, output);
                break;
            default:
                output.WriteLine(Cell(value));
                break;
        }
    }

    private static void WriteObject(JsonElement value, TextWriter output)
    {
        var scalars = value.EnumerateObject().Where(p => !IsTable(p.Value)).ToList();
        var width = scalars.Count == 0 ? 0 : scalars.Max(p => p.Name.Length);
        foreach (var property in scalars)
        {
            output.WriteLine($"{property.Name.PadRight(width)}  {Cell(property.Value)}");
        }

        foreach (var property in value.EnumerateObject().Where(p => IsTable(p.Value)))
        {
            output.WriteLine();
            output.WriteLine($"{property.Name}:");
            WriteTable(property.Value.EnumerateArray().ToList(), output);
        }
    }

    private static void WriteTable(IReadOnlyList<JsonElement> rows, TextWriter output)
    {
        if (rows.Count == 0)
        {
            output.WriteLine("(none)");
            return;
        }

        if (rows.Any(r => r.ValueKind != JsonValueKind.Object))
        {
            foreach (var row in rows)
            {
                output.WriteLine(Cell(row));
            }

            return;
        }

        if (rows.Count == 1 || rows.Any(r => r.EnumerateObject().Any(p => IsTable(p.Value))))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                if (i > 0)
                {
                    output.WriteLine();
                }

                WriteObject(rows[i], output);
            }

            return;
        }

        var columns = rows.SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Distinct().ToList();
        var cells = rows.Select(r => columns.Select(c => r.TryGetProperty(c, out var v) ? Cell(v) : "").ToList()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, cells.Max(row => row[i].Length))).ToList();
        output.WriteLine(string.Join("  ", columns.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => Numeric(cell) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static bool IsTable(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value[0].ValueKind == JsonValueKind.Object;

    private static bool Numeric(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string Cell(JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Null or JsonValueKind.Undefined => "-",
            JsonValueKind.Array when value.GetArrayLength() == 0 => "(none)",
            _ => value.GetRawText(),
        };
        return text.Length > MaxCellWidth ? text[..(MaxCellWidth - 1)] + "…" : text;
    }
}
