using System.Collections.Generic;
using System.Linq;
using PcapKit.Generators.Model;

namespace PcapKit.Generators.Emit;

internal sealed partial class ProtocolEmitter
{
    /// <summary>Fields whose offset or size is found while parsing, in wire order.</summary>
    private IEnumerable<FieldLayout> WalkedFields => _layout.Fields.Where(fl => !IsConstantScalar(fl));

    private static bool IsConstantScalar(FieldLayout fl) =>
        fl.IsBits ? fl.GroupOffset >= 0 : fl.Offset >= 0 && fl.Size >= 0 && fl.Field.When is null;

    private static bool IsVariableSize(FieldLayout fl) => fl.Size < 0;

    /// <summary>The header's end is known before the walk: a field holds it, or nothing before the payload varies.</summary>
    private bool HeaderKnownEarly => _headerSize is not null || !WalkedFields.Any(fl => fl.Field.Type != FieldType.Payload);

    private static string ConstName(FieldLayout fl) => fl.Field.PropertyName + "Offset";

    private static string Local(FieldLayout fl, string suffix) => Naming.ToCamel(fl.Field.PropertyName).TrimStart('@') + suffix;

    /// <summary>The offset expression of a field inside the view.</summary>
    private static string ViewOffset(FieldLayout fl) => IsConstantScalar(fl) || (fl.Offset >= 0 && fl.Field.When is null) ? ConstName(fl) : fl.OffsetMember;

    /// <summary>The offset expression of a field inside <c>TryParse</c> (locals instead of members).</summary>
    private static string ParseOffset(FieldLayout fl) => IsConstantScalar(fl) || (fl.Offset >= 0 && fl.Field.When is null) ? ConstName(fl) : Local(fl, "Offset");

    /// <summary>Whether the view keeps the bytes a variant's cases were measured against (a case has <c>max_length</c>).</summary>
    private static bool KeepsAvailable(FieldLayout fl) => fl.Field.Type == FieldType.Variant && VariantEmitter.NeedsAvailable(fl.Field);

    private static string AvailableMember(FieldLayout fl) => "_" + Local(fl, "Available");

    private List<FieldLayout> StoredFields() =>
        WalkedFields.Where(fl => fl.Field.Type != FieldType.Payload && (fl.Offset < 0 || fl.Field.When is not null || IsVariableSize(fl))).ToList();

    private void EmitView()
    {
        _w.Line("/// <summary>");
        _w.Line("/// A zero-copy view of one " + Xml(_spec.Title ?? _spec.Id) + " unit over a span: each property reads its field");
        _w.Line("/// when asked. Valid as long as the span it was parsed from.");
        _w.Line("/// </summary>");
        _w.Line(GeneratedCode);
        _w.Open("public readonly ref partial struct View : " + FieldCode.Dissection + ".IHeaderView<View>");

        _w.Line("private readonly " + FieldCode.Span + " _data;");
        _w.Line("private readonly int _headerLength;");
        _w.Line("private readonly bool _truncated;");
        _w.Line("private readonly int _reportedLength;");
        var stored = StoredFields();
        foreach (var fl in stored)
        {
            if (fl.Offset < 0 || fl.Field.When is not null)
            {
                _w.Line("private readonly int " + fl.OffsetMember + ";");
            }

            if (IsVariableSize(fl))
            {
                _w.Line("private readonly int " + fl.LengthMember + ";");
            }

            if (KeepsAvailable(fl))
            {
                _w.Line("private readonly int " + AvailableMember(fl) + ";");
            }
        }

        _w.Line();
        var ctorParams = new List<string> { FieldCode.Span + " data", "int headerLength", "bool truncated", "int reportedLength" };
        var ctorBody = new List<string> { "_data = data;", "_headerLength = headerLength;", "_truncated = truncated;", "_reportedLength = reportedLength;" };
        foreach (var fl in stored)
        {
            if (fl.Offset < 0 || fl.Field.When is not null)
            {
                ctorParams.Add("int " + Local(fl, "Offset"));
                ctorBody.Add(fl.OffsetMember + " = " + Local(fl, "Offset") + ";");
            }

            if (IsVariableSize(fl))
            {
                ctorParams.Add("int " + Local(fl, "Length"));
                ctorBody.Add(fl.LengthMember + " = " + Local(fl, "Length") + ";");
            }

            if (KeepsAvailable(fl))
            {
                ctorParams.Add("int " + Local(fl, "Available"));
                ctorBody.Add(AvailableMember(fl) + " = " + Local(fl, "Available") + ";");
            }
        }

        _w.Open("private View(" + string.Join(", ", ctorParams) + ")");
        foreach (var line in ctorBody)
        {
            _w.Line(line);
        }

        _w.Close();
        _w.Line();

        _w.Line("/// <summary>The protocol this view belongs to.</summary>");
        _w.Line("public static " + FieldCode.Dissection + ".ProtocolDescriptor Descriptor => " + _spec.TypeName + "Descriptor.Instance;");
        _w.Line();
        _w.Line("/// <summary>The unit's bytes: the header and the payload, bounded by its length fields.</summary>");
        _w.Line("public " + FieldCode.Span + " Bytes => _data;");
        _w.Line();
        _w.Line("/// <summary>The header's bytes, options included.</summary>");
        _w.Line("public " + FieldCode.Span + " HeaderBytes => _data.Slice(0, _headerLength);");
        _w.Line();
        _w.Line("/// <summary>The length of the header, options included.</summary>");
        _w.Line("public int HeaderSize => _headerLength;");
        _w.Line();
        _w.Line("/// <summary>The length of the unit as parsed (at most the bytes captured).</summary>");
        _w.Line("public int Size => _data.Length;");
        _w.Line();
        _w.Line("/// <summary>Whether a length field declares more bytes than were captured; the payload holds what was.</summary>");
        _w.Line("public bool IsTruncated => _truncated;");
        _w.Line();
        _w.Line("/// <summary>");
        _w.Line("/// The length of the unit as declared: by its own length field, else by the enclosing layers (at the bottom, the");
        _w.Line("/// frame's original length). More than <see cref=\"Size\"/> when the capture was cut short; -1 when unknown (the");
        _w.Line("/// unit starts in a first fragment and has no length field of its own).");
        _w.Line("/// </summary>");
        _w.Line("public int ReportedSize => _reportedLength;");
        _w.Line();

        EmitViewProperties();
        EmitTryParse(stored);
        EmitFieldAt();
        EmitVerifyChecksum();
        EmitToRecord();
        EmitAccept();
        EmitAcceptAvailable();
        EmitViewJson();
        _w.Close();
        _w.Line();
    }

    private void EmitViewProperties()
    {
        foreach (var fl in _layout.Fields)
        {
            var f = fl.Field;
            _w.Line("/// <summary>" + Xml(Describe(f)) + "</summary>");
            var offset = ViewOffset(fl);
            var conditional = f.When is not null;
            switch (f.Type)
            {
                case FieldType.UInt:
                case FieldType.Bool:
                case FieldType.Mac:
                case FieldType.Ipv4:
                case FieldType.Ipv6:
                    var value = _code.TypedValue(fl, "_data", offset);
                    if (conditional)
                    {
                        _w.Line("public " + _code.ValueType(f) + "? " + f.PropertyName + " => " + fl.OffsetMember + " >= 0 ? " + value + " : null;");
                    }
                    else
                    {
                        _w.Line("public " + _code.ValueType(f) + " " + f.PropertyName + " => " + value + ";");
                    }

                    break;
                case FieldType.Bytes:
                    var length = IsVariableSize(fl) ? fl.LengthMember : Naming.Dec(fl.Size);
                    _w.Line("public " + FieldCode.Span + " " + f.PropertyName + " => " +
                            (conditional ? fl.OffsetMember + " >= 0 ? _data.Slice(" + offset + ", " + length + ") : default;" : "_data.Slice(" + offset + ", " + length + ");"));
                    break;
                case FieldType.Tlv:
                    var tlv = _code.Tlv(f)!;
                    _w.Line("public " + FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".List " + f.PropertyName + " => new(_data.Slice(" + offset + ", " + fl.LengthMember + "));");
                    break;
                case FieldType.Repeat:
                    _w.Line("public " + _type + "." + f.RepeatTypeName + "List " + f.PropertyName + " => new(_data.Slice(" + offset + ", " + fl.LengthMember + "));");
                    break;
                case FieldType.Variant:
                    var key = _layout.Find(f.SwitchField!)!;
                    // A case chosen by max_length reads the bytes to the region's end that Parse measured (kept: the unit's
                    // bytes may be bounded by a length field after the walk).
                    var available = KeepsAvailable(fl) ? ", available: " + AvailableMember(fl) : string.Empty;
                    _w.Line("public " + _code.ValueType(f) + ".View " + f.PropertyName + " => new(_data.Slice(" + offset + ", " + fl.LengthMember + "), (ulong)" +
                            FieldCode.RawValue(key, "_data", ViewOffset(key)) + SecondKeyArgument(f, "_data", ViewOffset) + available + ");");
                    break;
                case FieldType.Payload:
                    _w.Line("public " + FieldCode.Span + " " + f.PropertyName + " => _data.Slice(_headerLength);");
                    break;
            }

            _w.Line();
        }

        foreach (var c in _spec.Computed)
        {
            _w.Line("/// <summary>Computed: " + (c.Kind == ComputedKind.PayloadLength ? "the length of the payload as declared, or -1 when unknown (in a first fragment); see ReportedSize, while Payload holds what was captured" : "the length of the header") + (c.Display is null ? string.Empty : " (display name '" + Xml(c.Display) + "')") + ".</summary>");
            _w.Line("public int " + c.PropertyName + " => " + (c.Kind == ComputedKind.PayloadLength ? "_reportedLength < 0 ? -1 : _reportedLength - _headerLength" : "_headerLength") + ";");
            _w.Line();
        }
    }

    private void EmitTryParse(List<FieldLayout> stored)
    {
        _w.Line("/// <summary>Parses a unit; never throws and never allocates.</summary>");
        _w.Line("/// <param name=\"source\">The bytes, starting at the unit's first byte; bytes past its length fields are left out of the view.</param>");
        _w.Line("/// <param name=\"view\">The view, or default when the status is not Ok.</param>");
        _w.Line("/// <returns>Ok, Truncated (the input ends inside the header) or Invalid (a rule of the protocol is broken), with the field and offset.</returns>");
        _w.Line("public static global::PcapKit.ParseResult TryParse(" + FieldCode.Span + " source, out View view) => TryParse(source, source.Length, out view);");
        _w.Line();
        _w.Line("/// <summary>Parses a unit whose enclosing layers declare more bytes than were captured; never throws and never allocates.</summary>");
        _w.Line("/// <param name=\"source\">The bytes, starting at the unit's first byte; bytes past its length fields are left out of the view.</param>");
        _w.Line("/// <param name=\"reportedLength\">The unit's length as the enclosing layers declare it, or -1 when unknown; its own length field, when it has one, wins.</param>");
        _w.Line("/// <param name=\"view\">The view, or default when the status is not Ok.</param>");
        _w.Line("/// <returns>Ok, Truncated (the input ends inside the header) or Invalid (a rule of the protocol is broken), with the field and offset.</returns>");
        _w.Open("public static global::PcapKit.ParseResult TryParse(" + FieldCode.Span + " source, int reportedLength, out View view)");
        _w.Line("view = default;");
        _w.Open("if (source.Length < FixedHeaderLength)");
        _w.Line("return global::PcapKit.ParseResult.Truncated(FieldAt(source.Length), source.Length);");
        _w.Close();
        _w.Line();

        foreach (var fl in _layout.Fields)
        {
            if (IsConstantScalar(fl) && fl.Field.Valid is { } valid)
            {
                EmitValidation(fl, valid, ConstName(fl));
            }
        }

        var headerEarly = HeaderKnownEarly;
        if (_headerSize is { } hs)
        {
            var fl = _layout.Find(hs.Id)!;
            _w.Line("// The header length field counts " + hs.SizeOf!.Scale + "-byte units.");
            _w.Line("var headerLength = " + Scaled(FieldCode.RawValue(fl, "source", ConstName(fl)), hs.SizeOf) + ";");
            var checkedByMin = hs.Valid?.Min is { } min && ((long)min * hs.SizeOf.Scale) + hs.SizeOf.Offset >= _layout.FixedLength;
            if (!checkedByMin)
            {
                _w.Open("if (headerLength < FixedHeaderLength)");
                _w.Line("return global::PcapKit.ParseResult.Invalid(" + Naming.Literal(hs.Id) + ", " + ConstName(fl) + ", \"the header length is smaller than the fixed header\");");
                _w.Close();
            }

            _w.Line();
        }
        else if (headerEarly)
        {
            _w.Line("const long headerLength = FixedHeaderLength;");
        }

        var datagramDone = false;
        if (headerEarly || _payloadSize is null)
        {
            datagramDone = EmitDatagramLength();
        }

        if (_headerSize is not null)
        {
            _w.Open("if (headerLength > source.Length)");
            var after = _layout.Fields.FirstOrDefault(fl => !IsConstantScalar(fl));
            _w.Line("return global::PcapKit.ParseResult.Truncated(" + Naming.Literal(after?.Field.Id ?? _headerSize.Id) + ", FixedHeaderLength);");
            _w.Close();
            _w.Line();
        }

        if (!datagramDone)
        {
            _w.Line("var truncated = false;");
        }

        var walked = WalkedFields.ToList();
        _walk = WalkState.AtFixedEnd;
        if (walked.Any(fl => fl.Field.Type != FieldType.Payload) || !headerEarly)
        {
            _w.Line("var position = FixedHeaderLength;");
        }

        var limit = headerEarly && _headerSize is not null ? "headerLength" : "source.Length";
        foreach (var fl in walked)
        {
            EmitWalkStep(fl, limit);
        }

        if (!headerEarly)
        {
            _w.Line("var headerLength = (long)position;");
            if (!datagramDone)
            {
                EmitDatagramLength(truncatedDeclared: true);
            }
        }

        if (!_layout.Fields.Any(fl => fl.Field.Type == FieldType.Payload))
        {
            _w.Line("// No payload: the unit ends with its header; what follows belongs to the enclosing layer (padding, a trailer).");
            _w.Line("source = source.Slice(0, (int)headerLength);");
            _w.Line("reported = (int)headerLength;");
        }

        var args = new List<string> { "source", "(int)headerLength", "truncated", "reported" };
        foreach (var fl in stored)
        {
            if (fl.Offset < 0 || fl.Field.When is not null)
            {
                args.Add(Local(fl, "Offset"));
            }

            if (IsVariableSize(fl))
            {
                args.Add(Local(fl, "Length"));
            }

            if (KeepsAvailable(fl))
            {
                args.Add(Local(fl, "Available"));
            }
        }

        _w.Line("view = new View(" + string.Join(", ", args) + ");");
        _w.Line("return global::PcapKit.ParseResult.Ok;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Bounds <c>source</c> by the declared length and declares <c>reported</c>; returns true (the code always sets
    /// <c>truncated</c>, declaring it unless <paramref name="truncatedDeclared"/>).
    /// </summary>
    private bool EmitDatagramLength(bool truncatedDeclared = false)
    {
        var declare = truncatedDeclared ? string.Empty : "var ";
        var sizeField = _datagramSize ?? _payloadSize;
        if (sizeField is null)
        {
            _w.Line(declare + "truncated = false;");
            _w.Line("var reported = reportedLength < 0 ? -1 : global::System.Math.Max(reportedLength, source.Length);");
            return true;
        }

        var fl = _layout.Find(sizeField.Id)!;
        var raw = FieldCode.RawValue(fl, "source", ConstName(fl));
        if (sizeField.SizeOf!.Region == RegionKind.Payload)
        {
            _w.Line("// The length field counts the payload, which starts after the header.");
            _w.Line("var declaredLength = headerLength + " + Scaled(raw, sizeField.SizeOf) + ";");
        }
        else
        {
            _w.Line("// The length field counts the whole unit, header included.");
            _w.Line("var declaredLength = " + Scaled(raw, sizeField.SizeOf) + ";");
        }

        _w.Open("if (declaredLength < headerLength)");
        _w.Line("return global::PcapKit.ParseResult.Invalid(" + Naming.Literal(sizeField.Id) + ", " + ConstName(fl) + ", \"the length is smaller than the header\");");
        _w.Close();
        _w.Line();
        _w.Line(declare + "truncated = declaredLength > source.Length;");
        _w.Line("var reported = (int)global::System.Math.Min(declaredLength, int.MaxValue);");
        _w.Open("if (!truncated)");
        _w.Line("source = source.Slice(0, (int)declaredLength);");
        _w.Close();
        _w.Line();
        return true;
    }

    private static string Scaled(string raw, SizeOfSpec size)
    {
        var text = "(long)" + raw;
        if (size.Scale != 1)
        {
            text += " * " + size.Scale;
        }

        if (size.Offset != 0)
        {
            text += (size.Offset > 0 ? " + " : " - ") + System.Math.Abs(size.Offset);
        }

        return text;
    }

    private void EmitValidation(FieldLayout fl, ValidationSpec valid, string offset)
    {
        var raw = FieldCode.RawValue(fl, "source", offset);
        var id = Naming.Literal(fl.Field.Id);
        var at = offset;
        void Check(string condition, string reason)
        {
            _w.Open("if (" + condition + ")");
            _w.Line("return global::PcapKit.ParseResult.Invalid(" + id + ", " + at + ", " + Naming.Literal(reason) + ");");
            _w.Close();
            _w.Line();
        }

        if (valid.Eq is { } eq)
        {
            Check(raw + " != " + Naming.Dec(eq), "must be " + eq);
        }

        if (valid.Min is { } min && min > 0)
        {
            Check(raw + " < " + Naming.Dec(min), "must be at least " + min);
        }

        if (valid.Max is { } max)
        {
            Check(raw + " > " + Naming.Dec(max), "must be at most " + max);
        }

        if (!valid.AnyOf.IsEmpty)
        {
            var local = Local(fl, "Value");
            _w.Line("var " + local + " = " + raw + ";");
            Check(string.Join(" && ", valid.AnyOf.Select(v => local + " != " + Naming.Dec(v))), "must be one of " + string.Join(", ", valid.AnyOf.Select(v => Naming.Dec(v))));
        }
    }

    /// <summary>A condition over the view's properties: from outside the view (<c>view.</c>, for the descriptor) or inside it.</summary>
    private string ConditionOnView(ConditionSpec c, string owner = "view.") =>
        Condition(c, link => ValueOnView(_spec.Fields.First(f => f.Id == link.FieldId), owner));

    /// <summary>A field's value as an unsigned integer, read from the view (0 for a conditional field that is absent).</summary>
    private static string ValueOnView(FieldSpec target, string owner) =>
        target.When is null ? FieldCode.ToUlong(target, owner + target.PropertyName) : "(ulong)" + owner + target.PropertyName + ".GetValueOrDefault()";

    /// <summary><c>, (ulong)value</c> of the field a variant's cases' <c>and:</c> read, for its view and Measure; empty when none does.</summary>
    private string SecondKeyArgument(FieldSpec variant, string span, System.Func<FieldLayout, string> offsetOf) =>
        VariantEmitter.SecondKeyOf(variant) is { } id && _layout.Find(id) is { } second ? ", (ulong)" + FieldCode.RawValue(second, span, offsetOf(second)) : string.Empty;

    /// <summary>A condition and those joined to it with <c>and:</c>, each link's field value given by <paramref name="valueOf"/>.</summary>
    internal static string Condition(ConditionSpec c, System.Func<ConditionSpec, string> valueOf) =>
        string.Join(" && ", c.Links().Select((link, i) => i == 0 ? Condition(link, valueOf(link)) : "(" + Condition(link, valueOf(link)) + ")"));

    /// <summary>One link of a condition (its <c>and:</c> aside) on <paramref name="value"/>.</summary>
    private static string Condition(ConditionSpec c, string value) =>
        !c.AnyOf.IsEmpty ? "(" + value + ") is " + string.Join(" or ", c.AnyOf.Select(v => Naming.Dec(v) + "UL"))
        : c.Mask != 0 ? "(" + value + " & " + Naming.Hex(c.Mask) + ") != 0"
        : value + " == " + Naming.Dec(c.Equal);

    private string ConditionExpr(ConditionSpec c, string span) => Condition(c, link =>
    {
        var target = _layout.Find(link.FieldId)!;
        var raw = FieldCode.RawValue(target, span, ConstName(target));
        return link.AnyOf.IsEmpty ? raw : "(ulong)" + raw;
    });

    /// <summary>Where <c>position</c> is known to be during the walk, so checks that cannot fail are not emitted.</summary>
    private enum WalkState
    {
        AtFixedEnd,
        AtHeaderEnd,
        Unknown,
    }

    private WalkState _walk = WalkState.AtFixedEnd;

    private void EmitWalkStep(FieldLayout fl, string limit)
    {
        var f = fl.Field;
        var id = Naming.Literal(f.Id);
        var offsetLocal = Local(fl, "Offset");
        var lengthLocal = Local(fl, "Length");
        if (f.Type != FieldType.Payload || (_headerSize is not null && _walk == WalkState.Unknown))
        {
            _w.Line("// " + f.Id);
        }

        if (f.Type == FieldType.Payload)
        {
            if (_headerSize is not null && _walk == WalkState.Unknown)
            {
                _w.Open("if (position > headerLength)");
                _w.Line("return global::PcapKit.ParseResult.Invalid(" + Naming.Literal(_headerSize.Id) + ", position, \"the header length ends inside the header's fields\");");
                _w.Close();
                _w.Line();
            }

            return;
        }

        if (!IsVariableSize(fl))
        {
            var size = fl.Size;
            var conditional = f.When is not null;
            if (f.When is { } when)
            {
                _w.Line("var " + offsetLocal + " = -1;");
                _w.Open("if (" + ConditionExpr(when, "source") + ")");
            }

            _w.Open("if (position + " + size + " > " + limit + ")");
            _w.Line("return global::PcapKit.ParseResult.Truncated(" + id + ", position);");
            _w.Close();
            _w.Line();
            _w.Line((conditional ? string.Empty : "var ") + offsetLocal + " = position;");
            _w.Line("position += " + size + ";");
            _walk = WalkState.Unknown;
            if (f.Valid is { } valid)
            {
                EmitValidation(fl, valid, offsetLocal);
            }

            if (conditional)
            {
                _w.Close();
            }

            _w.Line();
            return;
        }

        if (f.Type == FieldType.Variant)
        {
            var key = _layout.Find(f.SwitchField!)!;
            var end = f.Region is RegionKind.Header or RegionKind.Options or RegionKind.RestOfHeader && _headerSize is not null ? "(int)headerLength" : "source.Length";
            var available = end + " - position";
            if (KeepsAvailable(fl))
            {
                _w.Line("var " + Local(fl, "Available") + " = " + available + ";");
                available = Local(fl, "Available");
            }

            _w.Line("var " + lengthLocal + " = " + _code.ValueType(f) + ".View.Measure((ulong)" + FieldCode.RawValue(key, "source", ParseOffset(key)) + ", source.Slice(position, " + available + ")" +
                    SecondKeyArgument(f, "source", ParseOffset) + ");");
            _w.Open("if (" + lengthLocal + " < 0)");
            _w.Line("return global::PcapKit.ParseResult.Truncated(" + id + ", position);");
            _w.Close();
            _w.Line();
            _w.Line("var " + offsetLocal + " = position;");
            _w.Line("position += " + lengthLocal + ";");
            _w.Line();
            _walk = WalkState.Unknown;
            return;
        }

        if (f.RepeatUntil is { } until)
        {
            var itemLayout = Layout.Compute(f.Children);
            var marker = itemLayout.Find(until)!;
            var markerOffset = marker.IsBits ? marker.GroupOffset : marker.Offset;
            _w.Line("// Items up to the one whose '" + until + "' is set.");
            _w.Line("var " + offsetLocal + " = position;");
            _w.Open("while (true)");
            _w.Open("if (position + " + itemLayout.FixedLength + " > " + limit + ")");
            _w.Line("return global::PcapKit.ParseResult.Truncated(" + id + ", position);");
            _w.Close();
            _w.Line();
            _w.Line("var last = " + FieldCode.RawValue(marker, "source", "position + " + markerOffset) + " != 0;");
            _w.Line("position += " + itemLayout.FixedLength + ";");
            _w.Open("if (last)");
            _w.Line("break;");
            _w.Close();
            _w.Close();
            _w.Line();
            _w.Line("var " + lengthLocal + " = position - " + offsetLocal + ";");
            _w.Line();
            _walk = WalkState.Unknown;
            return;
        }

        if (f.Length is { } length)
        {
            var lengthField = _layout.Find(length.FieldId)!;
            var raw = FieldCode.RawValue(lengthField, "source", ConstName(lengthField));
            _w.Line("var " + lengthLocal + "64 = " + Scaled(raw, new SizeOfSpec(RegionKind.Rest, length.Scale, length.Offset)) + ";");
            _w.Open("if (" + lengthLocal + "64 < 0)");
            _w.Line("return global::PcapKit.ParseResult.Invalid(" + Naming.Literal(length.FieldId) + ", " + ConstName(lengthField) + ", \"the length is negative\");");
            _w.Close();
            _w.Line();
            _w.Open("if (position + " + lengthLocal + "64 > " + limit + ")");
            _w.Line("return global::PcapKit.ParseResult.Truncated(" + id + ", position);");
            _w.Close();
            _w.Line();
            _w.Line("var " + offsetLocal + " = position;");
            _w.Line("var " + lengthLocal + " = (int)" + lengthLocal + "64;");
            _w.Line("position += " + lengthLocal + ";");
            _w.Line();
            _walk = WalkState.Unknown;
            return;
        }

        var region = f.Region ?? RegionKind.Rest;
        if (region is RegionKind.Header or RegionKind.Options or RegionKind.RestOfHeader)
        {
            if (_walk != WalkState.AtFixedEnd)
            {
                _w.Open("if (position > headerLength)");
                _w.Line("return global::PcapKit.ParseResult.Invalid(" + Naming.Literal(_headerSize?.Id ?? f.Id) + ", position, \"the header length ends inside the header's fields\");");
                _w.Close();
                _w.Line();
            }

            // The header length was checked against the fixed header, so the region is never negative here.
            _w.Line("var " + offsetLocal + " = position;");
            _w.Line("var " + lengthLocal + " = (int)headerLength - position;");
            _w.Line("position = (int)headerLength;");
            _walk = WalkState.AtHeaderEnd;
        }
        else
        {
            _w.Line("var " + offsetLocal + " = position;");
            _w.Line("var " + lengthLocal + " = source.Length - position;");
            _w.Line("position = source.Length;");
            _walk = WalkState.Unknown;
        }

        _w.Line();
    }

    private void EmitFieldAt()
    {
        _w.Line("/// <summary>The field that covers <paramref name=\"offset\"/> in the fixed header, for truncation reports.</summary>");
        _w.Open("private static string FieldAt(int offset) => offset switch");
        var seen = new HashSet<int>();
        foreach (var fl in _layout.Fields)
        {
            if (!IsConstantScalar(fl))
            {
                break;
            }

            var end = fl.IsBits ? fl.GroupOffset + fl.GroupBytes : fl.Offset + fl.Size;
            if (seen.Add(end))
            {
                _w.Line("< " + end + " => " + Naming.Literal(fl.Field.Id) + ",");
            }
        }

        var next = _layout.Fields.FirstOrDefault(fl => !IsConstantScalar(fl));
        _w.Line("_ => " + Naming.Literal(next?.Field.Id ?? _spec.Id) + ",");
        _w.Close(";");
        _w.Line();
    }

    private void EmitVerifyChecksum()
    {
        if (_checksum is not { } cs)
        {
            return;
        }

        var fl = _layout.Find(cs.Id)!;
        var spec = cs.Checksum!;
        var usesPseudo = spec.PseudoHeaderParam is not null;
        _w.Line("/// <summary>Verifies <see cref=\"" + cs.PropertyName + "\"/> (" + (spec.CoversPayload ? "header and payload" : "header") + (usesPseudo ? ", with the pseudo-header" : string.Empty) + ").</summary>");
        if (usesPseudo)
        {
            _w.Line("/// <param name=\"" + PseudoName + "\">The pseudo-header the enclosing IP layer supplies; without one the checksum is unverifiable.</param>");
        }

        _w.Line("/// <returns>The status, the value on the wire and the value it should hold.</returns>");
        _w.Open("public global::PcapKit.Buffers.ChecksumResult VerifyChecksum(" + (usesPseudo ? "in global::PcapKit.Buffers.IpPseudoHeader " + PseudoName : string.Empty) + ")");
        if (fl.Field.When is not null)
        {
            // A checksum present only on a condition: absent, nothing to verify.
            _w.Open("if (" + fl.OffsetMember + " < 0)");
            _w.Line("return new(global::PcapKit.Buffers.ChecksumStatus.NotPresent, 0, 0);");
            _w.Close();
            _w.Line();
        }

        _w.Line("var value = " + FieldCode.RawValue(fl, "_data", ViewOffset(fl)) + ";");
        if (spec.ZeroMeansNone)
        {
            _w.Open("if (value == 0)");
            _w.Line("return new(global::PcapKit.Buffers.ChecksumStatus.NotPresent, 0, 0);");
            _w.Close();
            _w.Line();
        }

        var covered = spec.CoversPayload ? "_data" : "_data.Slice(0, _headerLength)";
        if (spec.CoversPayload || usesPseudo)
        {
            _w.Open("if (" + (spec.CoversPayload ? "_truncated" : "false") + (usesPseudo ? " || !" + PseudoName + ".IsPresent" : string.Empty) + ")");
            _w.Line("return new(global::PcapKit.Buffers.ChecksumStatus.Unverifiable, value, 0);");
            _w.Close();
            _w.Line();
        }

        var pseudoLength = covered + ".Length";
        if (spec.CoverageField is { } coverageField)
        {
            var cl = _layout.Find(coverageField)!;
            _w.Line("// The checksum covers the first " + coverageField + " bytes (0: all), the pseudo-header the whole length.");
            _w.Line("var coverage = (int)" + FieldCode.RawValue(cl, "_data", ViewOffset(cl)) + ";");
            _w.Open("if (coverage != 0 && coverage < " + ViewOffset(fl) + " + 2)");
            _w.Line("// A coverage that stops before the end of the checksum field is illegal (RFC 3828 3.1: such packets are dropped): nothing to verify.");
            _w.Line("return new(global::PcapKit.Buffers.ChecksumStatus.Unverifiable, value, 0);");
            _w.Close();
            _w.Line();
            _w.Line("var covered = coverage == 0 ? _data : _data.Slice(0, global::System.Math.Min(coverage, _data.Length));");
            covered = "covered";
        }

        _w.Line("var computed = global::PcapKit.Buffers.Inet16.Compute(" + covered + ", " + ViewOffset(fl) + (usesPseudo ? ", " + PseudoName + ".Sum(" + pseudoLength + ")" : string.Empty) + ");");
        if (spec.ZeroMeansNone)
        {
            _w.Line("computed = computed == 0 ? (ushort)0xFFFF : computed; // a computed zero is sent as all ones");
        }

        _w.Line("return new(computed == value ? global::PcapKit.Buffers.ChecksumStatus.Good : global::PcapKit.Buffers.ChecksumStatus.Bad, value, computed);");
        _w.Close();
        _w.Line();
    }

    private void EmitToRecord()
    {
        _w.Line("/// <summary>Copies the unit into an owned record (for storing, output and building packets).</summary>");
        _w.Line("/// <returns>The record.</returns>");
        _w.Open("public " + _type + " ToRecord() => new()");
        foreach (var f in _spec.Fields)
        {
            switch (f.Type)
            {
                case FieldType.Bytes:
                case FieldType.Payload:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ".ToArray(),");
                    break;
                case FieldType.Tlv:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ".ToValueList(),");
                    _w.Line(f.PropertyName + "Trailing = " + f.PropertyName + ".Trailing.ToArray(),");
                    break;
                case FieldType.Repeat:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ".ToValueList(),");
                    if (StructEmitter.HasTrailing(f))
                    {
                        _w.Line(f.PropertyName + "Trailing = " + f.PropertyName + ".Trailing.ToArray(),");
                    }

                    break;
                case FieldType.Variant:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ".ToRecord(),");
                    break;
                default:
                    _w.Line(f.PropertyName + " = " + f.PropertyName + ",");
                    break;
            }
        }

        _w.Close(";");
        _w.Line();
    }

    private void EmitAccept()
    {
        _w.Line("/// <summary>Hands every header field to <paramref name=\"visitor\"/>, in wire order, then the computed fields.</summary>");
        _w.Line("/// <typeparam name=\"TVisitor\">The visitor type.</typeparam>");
        _w.Line("/// <param name=\"visitor\">The visitor.</param>");
        _w.Line("public void Accept<TVisitor>(ref TVisitor visitor)");
        _w.Line("    where TVisitor : " + FieldCode.Dissection + ".IFieldVisitor, allows ref struct");
        _w.Line("{");
        _w.Indent++;
        foreach (var fl in _layout.Fields)
        {
            EmitVisit(fl, "Fields.");
        }

        foreach (var c in _spec.Computed)
        {
            if (c.Kind == ComputedKind.PayloadLength)
            {
                _w.Open("if (" + c.PropertyName + " >= 0)");
                _w.Line("visitor.Value(Fields." + c.PropertyName + ", (ulong)" + c.PropertyName + ");");
                _w.Close();
            }
            else
            {
                _w.Line("visitor.Value(Fields." + c.PropertyName + ", (ulong)" + c.PropertyName + ");");
            }
        }

        _w.Close();
        _w.Line();
    }

    private void EmitVisit(FieldLayout fl, string fieldsPrefix)
    {
        var f = fl.Field;
        var d = fieldsPrefix + f.PropertyName;
        switch (f.Type)
        {
            case FieldType.UInt when !f.AltWhen.IsEmpty:
            {
                // Another name while a condition on another field holds (the first that holds); that field is
                // unconditional or present on this one's condition, so it is there whenever this one is.
                // Each field the conditions read is read once, into a local.
                var read = f.AltWhen.SelectMany(named => named.When!.Links()).Select(link => link.FieldId).Distinct().ToList();
                var chosen = d;
                foreach (var (named, i) in f.AltWhen.Select((named, i) => (named, i)).Reverse())
                {
                    chosen = "(" + Condition(named.When!, link => Local(fl, "Alt" + Naming.ToPascal(link.FieldId))) + ") ? " + d + "Alt" + (i + 1) + " : " + chosen;
                }

                if (f.When is null)
                {
                    _w.Line("{");
                    _w.Indent++;
                }
                else
                {
                    _w.Open("if (" + f.PropertyName + " is { } " + Local(fl, "Value") + ")");
                }

                foreach (var id in read)
                {
                    _w.Line("var " + Local(fl, "Alt" + Naming.ToPascal(id)) + " = " + ValueOnView(_spec.Fields.First(t => t.Id == id), string.Empty) + ";");
                }

                _w.Line("visitor.Value(" + chosen + ", " + FieldCode.ToUlong(f, f.When is null ? f.PropertyName : Local(fl, "Value")) + ");");
                _w.Close();
                break;
            }

            case FieldType.UInt when f.Alt is { } alt:
                _w.Line("visitor.Value(" + FieldCode.ToUlong(f, f.PropertyName) + " <= " + Naming.Dec(alt.Max) + " ? " + d + "Alt : " + d + ", " + FieldCode.ToUlong(f, f.PropertyName) + ");");
                break;
            case FieldType.UInt or FieldType.Bool when !f.ShowWhen.IsEmpty && f.When is null:
                // Always on the wire; shown only while a display condition holds (as tshark shows it).
                _w.Line("if (" + string.Join(" || ", f.ShowWhen.Select(c => "(" + ConditionOnView(c, string.Empty) + ")")) + ") visitor.Value(" + d + ", " + FieldCode.ToUlong(f, f.PropertyName) + ");");
                break;
            case FieldType.UInt:
            case FieldType.Bool:
                _w.Line(f.When is null
                    ? "visitor.Value(" + d + ", " + FieldCode.ToUlong(f, f.PropertyName) + ");"
                    : "if (" + f.PropertyName + " is { } " + Local(fl, "Value") + ") visitor.Value(" + d + ", " + FieldCode.ToUlong(f, Local(fl, "Value")) + ");");
                break;
            case FieldType.Mac:
            case FieldType.Ipv4:
            case FieldType.Ipv6:
                var offset = ViewOffset(fl);
                _w.Line(f.When is null
                    ? "visitor.Bytes(" + d + ", _data.Slice(" + offset + ", " + fl.Size + "));"
                    : "if (" + fl.OffsetMember + " >= 0) visitor.Bytes(" + d + ", _data.Slice(" + offset + ", " + fl.Size + "));");
                break;
            case FieldType.Bytes when f.Decode:
                // A hand-written hook decodes it (names with compression, text) into the fields declared under decode:.
                _w.Line("Decode" + f.PropertyName + "(this, ref visitor);");
                break;
            case FieldType.Bytes when f.Alt is { Size: > 0 } sized && f.When is null:
                _w.Line("visitor.Bytes(" + f.PropertyName + ".Length == " + sized.Size + " ? " + d + "Alt : " + d + ", " + f.PropertyName + ");");
                break;
            case FieldType.Bytes when f.Region is not null && f.When is null:
                // An empty region (no options) is not a field, as tshark shows it.
                _w.Line("if (!" + f.PropertyName + ".IsEmpty) visitor.Bytes(" + d + ", " + f.PropertyName + ");");
                break;
            case FieldType.Bytes:
                _w.Line(f.When is null
                    ? "visitor.Bytes(" + d + ", " + f.PropertyName + ");"
                    : "if (" + fl.OffsetMember + " >= 0) visitor.Bytes(" + d + ", " + f.PropertyName + ");");
                break;
            case FieldType.Tlv:
                _w.Line(f.PropertyName + ".Accept(ref visitor, " + d + ");");
                _w.Open("if (!" + f.PropertyName + ".Trailing.IsEmpty)");
                _w.Line("visitor.Bytes(" + d + "Trailing, " + f.PropertyName + ".Trailing);");
                _w.Close();
                break;
            case FieldType.Repeat:
                _w.Line(f.PropertyName + ".Accept(ref visitor, " + d + ");");
                if (StructEmitter.HasTrailing(f))
                {
                    _w.Open("if (!" + f.PropertyName + ".Trailing.IsEmpty)");
                    _w.Line("visitor.Bytes(" + d + "Trailing, " + f.PropertyName + ".Trailing);");
                    _w.Close();
                }

                break;
            case FieldType.Variant:
                // A variant's fields are the unit's own fields (icmp.ident, not icmp.message.ident).
                _w.Line(f.PropertyName + ".Accept(ref visitor);");
                break;
        }
    }

    private void EmitAcceptAvailable()
    {
        _w.Line("/// <summary>Hands the fixed-header fields that fit in <paramref name=\"data\"/> to <paramref name=\"visitor\"/> (for a unit whose header is cut).</summary>");
        _w.Line("/// <typeparam name=\"TVisitor\">The visitor type.</typeparam>");
        _w.Line("/// <param name=\"data\">The bytes captured.</param>");
        _w.Line("/// <param name=\"visitor\">The visitor.</param>");
        _w.Line("public static void AcceptAvailable<TVisitor>(" + FieldCode.Span + " data, ref TVisitor visitor)");
        _w.Line("    where TVisitor : " + FieldCode.Dissection + ".IFieldVisitor, allows ref struct => AcceptAvailable(data, data.Length, TryParse(data, out _), ref visitor);");
        _w.Line();

        // A header-length field followed only by an option list (TCP, IPv4, IPv6 options headers): the options that
        // fit are shown, as Wireshark does, and the declared payload length is known from the header length.
        var walkedFields = WalkedFields.Where(fl => fl.Field.Type != FieldType.Payload).ToList();
        var options = _headerSize is not null && walkedFields.Count == 1 && walkedFields[0].Field is { Type: FieldType.Tlv, Region: RegionKind.RestOfHeader or RegionKind.Options } o ? walkedFields[0] : null;
        _w.Line("/// <summary>");
        _w.Line("/// Hands the fields that fit in <paramref name=\"data\"/> to <paramref name=\"visitor\"/> (for a unit whose header is cut): the");
        _w.Line("/// fixed-header fields" + (options is null ? "" : ", then the options that fit and the lengths computed from the header length") + ". When a");
        _w.Line("/// field broke a rule, the fields after it are left out, since their meaning depends on it (as Wireshark stops at a bogus field).");
        _w.Line("/// </summary>");
        _w.Line("/// <typeparam name=\"TVisitor\">The visitor type.</typeparam>");
        _w.Line("/// <param name=\"data\">The bytes captured.</param>");
        _w.Line("/// <param name=\"reportedLength\">The unit's declared length (see <see cref=\"ReportedSize\"/>), or -1 when unknown.</param>");
        _w.Line("/// <param name=\"parse\">What <see cref=\"TryParse(" + FieldCode.Span.Replace("<", "{").Replace(">", "}") + ", int, out View)\"/> returned for <paramref name=\"data\"/>.</param>");
        _w.Line("/// <param name=\"visitor\">The visitor.</param>");
        _w.Line("public static void AcceptAvailable<TVisitor>(" + FieldCode.Span + " data, int reportedLength, global::PcapKit.ParseResult parse, ref TVisitor visitor)");
        _w.Line("    where TVisitor : " + FieldCode.Dissection + ".IFieldVisitor, allows ref struct");
        _w.Line("{");
        _w.Indent++;
        if (options is null)
        {
            _w.Line("_ = reportedLength;");
        }

        _w.Line("var invalid = parse.Status == global::PcapKit.ParseStatus.Invalid ? parse.Field : null;");

        foreach (var fl in _layout.Fields)
        {
            if (!IsConstantScalar(fl))
            {
                break;
            }

            var f = fl.Field;
            var end = fl.IsBits ? fl.GroupOffset + fl.GroupBytes : fl.Offset + fl.Size;
            _w.Open("if (data.Length < " + end + ")");
            _w.Line("return;");
            _w.Close();
            _w.Line();
            switch (f.Type)
            {
                case FieldType.UInt or FieldType.Bool when !f.ShowWhen.IsEmpty:
                    _w.Line("if (" + string.Join(" || ", f.ShowWhen.Select(c => "(" + ConditionExpr(c, "data") + ")")) + ") visitor.Value(Fields." + f.PropertyName + ", " + FieldCode.ToUlong(f, _code.TypedValue(fl, "data", ConstName(fl))) + ");");
                    break;
                case FieldType.UInt:
                case FieldType.Bool:
                    _w.Line("visitor.Value(Fields." + f.PropertyName + ", " + FieldCode.ToUlong(f, _code.TypedValue(fl, "data", ConstName(fl))) + ");");
                    break;
                default:
                    _w.Line("visitor.Bytes(Fields." + f.PropertyName + ", data.Slice(" + ConstName(fl) + ", " + fl.Size + "));");
                    break;
            }

            if (f.Valid is not null || f.SizeOf is not null)
            {
                _w.Open("if (invalid == " + Naming.Literal(f.Id) + ")");
                _w.Line("return;");
                _w.Close();
            }
        }

        if (options is not null)
        {
            var hs = _layout.Find(_headerSize!.Id)!;
            var tlv = _code.Tlv(options.Field)!;
            _w.Line();
            _w.Line("var headerLength = " + Scaled(FieldCode.RawValue(hs, "data", ConstName(hs)), _headerSize.SizeOf!) + ";");
            _w.Open("if (headerLength < FixedHeaderLength || data.Length < FixedHeaderLength)");
            _w.Line("return;");
            _w.Close();
            _w.Line();
            _w.Line("var options = new " + FieldCode.Qualify(tlv.Namespace, tlv.TypeName) + ".List(data.Slice(FixedHeaderLength, (int)global::System.Math.Min(headerLength, data.Length) - FixedHeaderLength));");
            _w.Line("options.Accept(ref visitor, Fields." + options.Field.PropertyName + ");");
            _w.Open("if (!options.Trailing.IsEmpty)");
            _w.Line("visitor.Bytes(Fields." + options.Field.PropertyName + "Trailing, options.Trailing);");
            _w.Close();
            foreach (var c in _spec.Computed)
            {
                _w.Line();
                if (c.Kind == ComputedKind.PayloadLength)
                {
                    _w.Open("if (reportedLength >= headerLength)");
                    _w.Line("visitor.Value(Fields." + c.PropertyName + ", (ulong)(reportedLength - headerLength));");
                    _w.Close();
                }
                else
                {
                    _w.Line("visitor.Value(Fields." + c.PropertyName + ", (ulong)headerLength);");
                }
            }
        }

        _w.Close();
        _w.Line();
    }

    private void EmitViewJson()
    {
        _w.Line("/// <summary>Writes the unit as a JSON object: every field (snake_case keys, enums as value and name, bytes as hex) and the payload.</summary>");
        _w.Line("/// <param name=\"writer\">The writer.</param>");
        _w.Open("public void WriteJson(global::System.Text.Json.Utf8JsonWriter writer)");
        _w.Line("global::System.ArgumentNullException.ThrowIfNull(writer);");
        _w.Line("var visitor = new global::PcapKit.Output.JsonFieldVisitor(writer);");
        _w.Line("writer.WriteStartObject();");
        _w.Line("Accept(ref visitor);");
        if (_payload is { } p)
        {
            _w.Line("visitor.Bytes(Fields." + p.PropertyName + ", " + p.PropertyName + ");");
        }

        _w.Line("writer.WriteEndObject();");
        _w.Close();
    }
}
