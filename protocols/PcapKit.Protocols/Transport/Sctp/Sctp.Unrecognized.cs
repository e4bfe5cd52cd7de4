using System;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>The parameters an Unrecognized Parameter parameter reports (RFC 9260 §3.3.3.1), dissected for the outputs.</summary>
public abstract partial record SctpParameter
{
    /// <summary>The parameters inside an Unrecognized Parameter parameter, as a list of this set's items.</summary>
    private static readonly FieldDescriptor UnrecognizedParameters =
        new("parameters", "sctp.parameter_unrecognized_parameters", FieldKind.List, children: ItemDescriptors);

    /// <summary>An Unrecognized Parameter parameter (type 8).</summary>
    /// <remarks>
    /// Why a hook: its value is the parameters it reports, of this very set, and a set may not hold itself in the spec
    /// (its values would nest as deep as a hostile packet makes them). The hook dissects them one level deep, as the
    /// set's own items; one reported inside another is left as bytes.
    /// </remarks>
    public sealed partial record UnrecognizedParameter
    {
        [ThreadStatic]
        private static bool t_inside;

        private static partial void DecodeParameters<TVisitor>(View view, ref TVisitor visitor)
            where TVisitor : IFieldVisitor, allows ref struct
        {
            var value = view.Parameters;
            if (t_inside)
            {
                visitor.Bytes(UnrecognizedParameterParametersField, value);
                return;
            }

            t_inside = true;
            try
            {
                var list = new List(value);
                list.Accept(ref visitor, UnrecognizedParameters);
                if (!list.Trailing.IsEmpty)
                {
                    // Bytes that are not a whole parameter.
                    visitor.Bytes(UnrecognizedParameterRestField, list.Trailing);
                }
            }
            finally
            {
                t_inside = false;
            }
        }
    }
}
