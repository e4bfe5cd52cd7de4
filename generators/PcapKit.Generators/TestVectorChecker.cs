using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PcapKit.Generators.Diagnostics;
using PcapKit.Generators.Emit;
using PcapKit.Generators.Model;

namespace PcapKit.Generators;

/// <summary>
/// Checks a spec's test vectors at compile time for every field at a constant offset, so a spec that contradicts
/// its own examples does not build. The generated <c>TestVectors</c> are also run by the test suite, which checks
/// the rest (options, computed fields) through the generated parser.
/// </summary>
internal static class TestVectorChecker
{
    public static void Check(ProtocolSpec spec, LocationLookup locations, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Tests.IsEmpty)
        {
            return;
        }

        var layout = Layout.Compute(spec.Fields);
        for (var t = 0; t < spec.Tests.Count; t++)
        {
            var test = spec.Tests[t];
            var where = locations.Get("test:" + t, "protocol");
            var bytes = ParseHex(test.Hex);
            if (bytes is null)
            {
                ModelValidator.Report(diagnostics, DiagnosticDescriptors.TestVectorInvalid, where, t + 1, "the hex is not an even number of hex digits");
                continue;
            }

            if (bytes.Length < layout.FixedLength)
            {
                ModelValidator.Report(diagnostics, DiagnosticDescriptors.TestVectorInvalid, where, t + 1, $"it has {bytes.Length} bytes, but the fixed header needs {layout.FixedLength}");
                continue;
            }

            foreach (var expectation in test.Expect)
            {
                var fieldWhere = locations.Get("test:" + t + ":" + expectation.FieldId, "test:" + t, "protocol");
                var fl = layout.Find(expectation.FieldId);
                if (fl is null)
                {
                    if (!spec.Computed.Any(c => c.Id == expectation.FieldId) && !IsListField(spec, expectation.FieldId))
                    {
                        ModelValidator.Report(diagnostics, DiagnosticDescriptors.UnknownReference, fieldWhere, "Test vector " + (t + 1), "field", expectation.FieldId);
                    }

                    continue;
                }

                if (!fl.IsConstant || fl.Field.When is not null)
                {
                    continue; // checked at run time by the generated test vectors
                }

                var enumSpec = fl.Field.EnumId is { } id ? spec.Enums.FirstOrDefault(e => e.Id == id) : null;
                switch (fl.Field.Type)
                {
                    case FieldType.UInt when fl.Field.Signed:
                    {
                        // Two's complement of the field's width, compared as a signed number.
                        var raw = ReadInteger(bytes, fl);
                        var shift = 64 - (fl.Field.ByteWidth * 8);
                        var actual = (long)(raw << shift) >> shift;
                        if (!long.TryParse(expectation.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var expected))
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.TestVectorInvalid, fieldWhere, t + 1, $"'{expectation.Value}' is not a value of '{expectation.FieldId}'");
                        }
                        else if (actual != expected)
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.TestVectorMismatch, fieldWhere, t + 1, expectation.FieldId,
                                actual.ToString(System.Globalization.CultureInfo.InvariantCulture), expectation.Value);
                        }

                        break;
                    }

                    case FieldType.UInt:
                    case FieldType.Bool:
                    {
                        var actual = ReadInteger(bytes, fl);
                        if (!TryParseExpected(expectation.Value, enumSpec, out var expected))
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.TestVectorInvalid, fieldWhere, t + 1, $"'{expectation.Value}' is not a value of '{expectation.FieldId}'");
                        }
                        else if (actual != expected)
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.TestVectorMismatch, fieldWhere, t + 1, expectation.FieldId, Describe(actual, enumSpec), expectation.Value);
                        }

                        break;
                    }

                    case FieldType.Mac:
                    case FieldType.Ipv4:
                    case FieldType.Ipv6:
                    case FieldType.Bytes:
                    {
                        var actual = new byte[fl.Size];
                        Array.Copy(bytes, fl.Offset, actual, 0, fl.Size);
                        var expected = ParseBytes(fl.Field.Type, expectation.Value);
                        if (expected is null)
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.TestVectorInvalid, fieldWhere, t + 1, $"'{expectation.Value}' is not a value of '{expectation.FieldId}'");
                        }
                        else if (!expected.SequenceEqual(actual))
                        {
                            ModelValidator.Report(diagnostics, DiagnosticDescriptors.TestVectorMismatch, fieldWhere, t + 1, expectation.FieldId, FormatBytes(fl.Field.Type, actual), expectation.Value);
                        }

                        break;
                    }
                }
            }
        }
    }

    private static bool IsListField(ProtocolSpec spec, string id) =>
        spec.TlvSets.Any(t => t.Cases.Any(c => c.Fields.Any(f => f.Id == id || f.Children.Any(ch => ch.Id == id))));

    public static byte[]? ParseHex(string text)
    {
        var digits = new List<byte>();
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == ':')
            {
                continue;
            }

            var v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (v < 0)
            {
                return null;
            }

            digits.Add((byte)v);
        }

        if (digits.Count % 2 != 0)
        {
            return null;
        }

        var bytes = new byte[digits.Count / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((digits[2 * i] << 4) | digits[(2 * i) + 1]);
        }

        return bytes;
    }

    private static ulong ReadInteger(byte[] bytes, FieldLayout fl)
    {
        if (fl.IsBits)
        {
            var group = ReadUnsigned(bytes, fl.GroupOffset, fl.GroupBytes, fl.Field.Endian);
            return (group >> fl.Shift) & fl.Mask;
        }

        return ReadUnsigned(bytes, fl.Offset, fl.Size, fl.Field.Endian);
    }

    private static ulong ReadUnsigned(byte[] bytes, int offset, int size, EndianKind endian)
    {
        ulong value = 0;
        for (var i = 0; i < size; i++)
        {
            var b = endian == EndianKind.Big ? bytes[offset + i] : bytes[offset + size - 1 - i];
            value = (value << 8) | b;
        }

        return value;
    }

    private static bool TryParseExpected(string text, EnumSpec? enumSpec, out ulong value)
    {
        if (text is "true")
        {
            value = 1;
            return true;
        }

        if (text is "false")
        {
            value = 0;
            return true;
        }

        if (ProtocolGenerator.SpecReader.TryParseNumber(text, out value))
        {
            return true;
        }

        if (enumSpec is not null)
        {
            if (enumSpec.IsFlags)
            {
                value = 0;
                foreach (var part in text.Split('|'))
                {
                    var m = enumSpec.Members.FirstOrDefault(x => x.Id == part.Trim() || x.MemberName == part.Trim());
                    if (m is null)
                    {
                        return false;
                    }

                    value |= m.Value;
                }

                return true;
            }

            var member = enumSpec.Members.FirstOrDefault(x => x.Id == text || x.MemberName == text);
            if (member is not null)
            {
                value = member.Value;
                return true;
            }
        }

        return false;
    }

    private static string Describe(ulong value, EnumSpec? enumSpec)
    {
        var name = enumSpec?.Members.FirstOrDefault(m => m.Value == value)?.Id;
        return name is null
            ? value.ToString(CultureInfo.InvariantCulture)
            : value.ToString(CultureInfo.InvariantCulture) + " (" + name + ")";
    }

    private static byte[]? ParseBytes(FieldType type, string text)
    {
        switch (type)
        {
            case FieldType.Ipv4:
            {
                var parts = text.Split('.');
                if (parts.Length != 4)
                {
                    return null;
                }

                var result = new byte[4];
                for (var i = 0; i < 4; i++)
                {
                    if (!byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]))
                    {
                        return null;
                    }
                }

                return result;
            }

            case FieldType.Ipv6:
                return ParseIpv6(text);
            default:
                return ParseHex(text.Replace("-", string.Empty));
        }
    }

    private static byte[]? ParseIpv6(string text)
    {
        var halves = text.Split(new[] { "::" }, StringSplitOptions.None);
        if (halves.Length > 2)
        {
            return null;
        }

        List<ushort>? Groups(string s)
        {
            var list = new List<ushort>();
            if (s.Length == 0)
            {
                return list;
            }

            foreach (var g in s.Split(':'))
            {
                if (!ushort.TryParse(g, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
                {
                    return null;
                }

                list.Add(v);
            }

            return list;
        }

        var head = Groups(halves[0]);
        var tail = halves.Length == 2 ? Groups(halves[1]) : new List<ushort>();
        if (head is null || tail is null || head.Count + tail.Count > 8 || (halves.Length == 1 && head.Count != 8))
        {
            return null;
        }

        var all = new List<ushort>(head);
        all.AddRange(Enumerable.Repeat((ushort)0, 8 - head.Count - tail.Count));
        all.AddRange(tail);
        var bytes = new byte[16];
        for (var i = 0; i < 8; i++)
        {
            bytes[2 * i] = (byte)(all[i] >> 8);
            bytes[(2 * i) + 1] = (byte)all[i];
        }

        return bytes;
    }

    private static string FormatBytes(FieldType type, byte[] bytes) => type switch
    {
        FieldType.Ipv4 => string.Join(".", bytes.Select(b => b.ToString(CultureInfo.InvariantCulture))),
        FieldType.Mac => string.Join(":", bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),
        _ => string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),
    };
}
