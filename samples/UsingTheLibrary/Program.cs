// Streams a capture once: every frame is read and dissected once, its 5-tuple printed as it comes, while the TCP
// streams are reassembled in the same pass and HTTP/1.x requests printed as soon as the bytes that complete them arrive.
//
//   dotnet run --project samples/UsingTheLibrary -- samples/captures/loopback.pcap
using System;
using System.Globalization;
using System.IO;
using PcapKit.Dissection;
using PcapKit.Extraction;
using PcapKit.Protocols;
using PcapKit.Reassembly;

var path = args.Length > 0 ? args[0] : Path.Combine("samples", "captures", "loopback.pcap");
var registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();
var output = Console.Out;

using var extractor = new Extractor(new ExtractionOptions
{
    InputPath = path,
    Registry = registry,
    NoFile = true,                 // nothing written: the program consumes the frames itself
    ReassembleIp = true,           // fragments first, so segments that came in pieces reach TCP whole
    ReassembleTcp = true,
    TcpStreamHandler = new HttpStreamParser(message =>
    {
        if (message.IsRequest)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  HTTP request in tcp.stream {message.Stream} (frames {message.FirstFrame}–{message.Frame}): {message.Method} {message.Uri} {message.Version}, Host: {message.Header("Host") ?? "-"}, {message.BodyLength} body bytes"));
        }
    }),
});

try
{
    foreach (var frame in extractor)
    {
        // The frame is valid during this iteration only (it reads the capture in place): copy what must outlive it.
        if (frame.TryGetFiveTuple(out var tuple))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{frame.Number,5} {tuple} [{frame.GetChain()}]"));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{frame.Number,5} (no 5-tuple) [{frame.GetChain()}]"));
        }
    }

    var result = extractor.Complete();     // ends the streams still open: their last HTTP messages come out here
    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Summary.Frames} frames, {result.Summary.Malformed} malformed"));
    return 0;
}
catch (InvalidDataException ex)
{
    // A damaged capture: every frame before the damage was printed; the message names the file and byte offset.
    Console.Error.WriteLine(ex.Message);
    return 1;
}
