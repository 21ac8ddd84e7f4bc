// Usage: InotifyGen.PidFileRacer PIDFILE. Prints "ready", waits for a line on stdin (the start signal), then calls
// PidFile.Acquire. The winner prints "won" and holds the pid file until stdin closes; a loser prints "lost: REASON".
using InotifyGen.Daemon;

Console.Out.WriteLine("ready");
Console.Out.Flush();
if (Console.In.ReadLine() is null)
    return 2;
PidFile pid;
try
{
    pid = PidFile.Acquire(args[0]);
}
catch (PidFileException e)
{
    Console.Out.WriteLine("lost: " + e.Message);
    return 1;
}
using (pid)
{
    Console.Out.WriteLine("won");
    Console.Out.Flush();
    Console.In.ReadToEnd(); // hold it until the test has both answers
}
return 0;
