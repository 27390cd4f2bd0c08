<?php
// The same one-page certificate with TCPDF (the engine behind Moodle's certificates):
// A4 landscape, DejaVu Sans embedded, title, name, course, modules, serial, QR code.
// Usage: php tcpdf-certificate.php COUNT OUTDIR  — prints ms per certificate.
require_once('/usr/share/php/tcpdf/tcpdf.php');
$count = intval($argv[1] ?? 1000);
$out = $argv[2] ?? sys_get_temp_dir();
$modules = [];
for ($i = 1; $i <= 7; $i++) { $modules[] = "$i. Module $i : cadre réglementaire (8 h)"; }
$start = microtime(true);
for ($n = 0; $n < $count; $n++) {
    $serial = sprintf('MCENMA-2026-%06d', $n + 1);
    $pdf = new TCPDF('L', 'pt', 'A4', true, 'UTF-8', false);
    $pdf->setPrintHeader(false); $pdf->setPrintFooter(false); $pdf->SetMargins(40, 40, 40); $pdf->SetAutoPageBreak(false);
    $pdf->SetTitle("Certificat $serial");
    $pdf->AddPage();
    $pdf->SetLineStyle(['width' => 5, 'color' => [20, 83, 45]]); $pdf->Rect(18, 18, 805.89, 559.28);
    $pdf->SetLineStyle(['width' => 1.2, 'color' => [184, 143, 46]]); $pdf->Rect(28, 28, 785.89, 539.28);
    $pdf->SetFont('dejavusans', 'B', 12); $pdf->SetY(50); $pdf->Cell(0, 14, 'RÉPUBLIQUE DU MALI', 0, 1, 'C');
    $pdf->SetFont('dejavusans', 'I', 9.5); $pdf->Cell(0, 12, 'Un Peuple – Un But – Une Foi', 0, 1, 'C');
    $pdf->SetFont('dejavusans', 'B', 12); $pdf->MultiCell(0, 16, "Ministère de la Communication, de l'Économie numérique et de la Modernisation de l'Administration", 0, 'C');
    $pdf->SetFont('dejavusans', 'B', 30); $pdf->Cell(0, 44, 'CERTIFICAT DE FORMATION', 0, 1, 'C');
    $pdf->SetFont('dejavusans', 'I', 12); $pdf->Cell(0, 16, 'décerné à', 0, 1, 'C');
    $pdf->SetFont('dejavusans', 'B', 28); $pdf->Cell(0, 34, "Djénéba N'Diaye", 0, 1, 'C');
    $pdf->SetFont('dejavusans', 'I', 12); $pdf->Cell(0, 16, 'pour avoir suivi avec succès la formation', 0, 1, 'C');
    $pdf->SetFont('dejavusans', 'B', 17); $pdf->Cell(0, 22, 'Séminaire sur la gouvernance électronique', 0, 1, 'C');
    $pdf->SetFont('dejavusans', '', 10.5); $pdf->MultiCell(0, 14, 'dispensée par Université des études économiques de Moscou, du 6 octobre 2025 au 17 octobre 2025, à Moscou, Russie — 56 heures', 0, 'C');
    $pdf->SetFont('dejavusans', 'B', 10); $pdf->SetX(70); $pdf->Cell(0, 14, 'Modules', 0, 1);
    $pdf->SetFont('dejavusans', '', 8.5);
    foreach ($modules as $i => $m) { $pdf->SetXY(70 + intdiv($i, 4) * 300, 390 + ($i % 4) * 12.5); $pdf->Cell(290, 12, $m, 0, 0); }
    $pdf->SetFont('dejavusans', 'B', 10); $pdf->SetXY(70, 525); $pdf->Cell(0, 14, "N° $serial — délivré le 24 novembre 2026", 0, 1);
    $pdf->SetFont('dejavusans', '', 8); $pdf->SetX(70); $pdf->Cell(0, 11, "http://127.0.0.1:8080/verify/$serial", 0, 1);
    $pdf->write2DBarcode("http://127.0.0.1:8080/verify/$serial", 'QRCODE,M', 661, 415, 110, 110, ['border' => false, 'padding' => 4, 'fgcolor' => [0, 0, 0], 'bgcolor' => [255, 255, 255]], 'N');
    $pdf->Output("$out/tcpdf-$n.pdf", 'F');
}
$elapsed = microtime(true) - $start;
printf("tcpdf: %d certificates in %.2f s, %.2f ms per certificate\n", $count, $elapsed, 1000 * $elapsed / $count);
