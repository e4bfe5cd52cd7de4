using System.Globalization;
using System.Text;

namespace PcapKit.Generators;

/// <summary>Converts identifiers between the spec's snake_case and C#'s PascalCase.</summary>
internal static class Naming
{
    /// <summary><c>source_port</c> → <c>SourcePort</c>; <c>ipv4</c> → <c>Ipv4</c>.</summary>
    public static string ToPascal(string id)
    {
        var sb = new StringBuilder(id.Length);
        var upper = true;
        foreach (var c in id)
        {
            if (c is '_' or '-' or '.' or ' ')
            {
                upper = true;
                continue;
            }

            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        if (sb.Length == 0 || char.IsDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }

        return sb.ToString();
    }

    /// <summary><c>SourcePort</c> → <c>source_port</c>; <c>Ipv4Address</c> → <c>ipv4_address</c>.</summary>
    public static string ToSnake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var prevLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]) && i > 0 && char.IsUpper(name[i - 1]);
                if (prevLower || nextLower)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Lower camel case, for locals and parameters.</summary>
    public static string ToCamel(string pascal)
    {
        var name = pascal.Length == 0 ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return IsKeyword(name) ? "@" + name : name;
    }

    /// <summary>A C# string literal.</summary>
    public static string Literal(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>A number as C# source: hex for masks and large values, decimal otherwise.</summary>
    public static string Hex(ulong value, int digits = 0) =>
        "0x" + value.ToString(digits > 0 ? "X" + digits.ToString(CultureInfo.InvariantCulture) : "X", CultureInfo.InvariantCulture);

    public static string Dec(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Dec(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool IsKeyword(string name) => name is "checked" or "class" or "default" or "event" or "fixed" or "lock" or
        "object" or "operator" or "params" or "string" or "base" or "case" or "const" or "continue" or "do" or "else" or "enum" or
        "for" or "in" or "is" or "out" or "ref" or "return" or "switch" or "this" or "value" or "void" or "byte" or "int" or "long";
}
