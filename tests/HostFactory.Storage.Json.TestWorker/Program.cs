using HostFactory.Storage.Json.TestWorker;

// Every line on stdout is a fact the parent test checks; a line ends with " END" so a line cut by SIGKILL is ignored.
return args switch
{
    ["crash-writer", var dataDirectory] => await CrashWriter.RunAsync(dataDirectory),
    ["contend", var dataDirectory, var goFile, var worker, var iterations, var requestIds, var contestedMachineId] =>
        await Contender.RunAsync(dataDirectory, goFile, int.Parse(worker, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(iterations, System.Globalization.CultureInfo.InvariantCulture), requestIds.Split(','), contestedMachineId),
    ["print-data-dir", var configured] => Storage.PrintDataDirectory(configured),
    ["probe", var dataDirectory] => await Storage.ProbeAsync(dataDirectory),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: crash-writer <dir> | contend <dir> <go-file> <worker> <iterations> <req,req,...> <machine-id> | print-data-dir <configured> | probe <dir>");
    return 2;
}
