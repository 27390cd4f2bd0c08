/* The same one-page certificate drawn with cairo directly (the library Kalan's renderer uses),
 * as the floor of what rendering costs: A4 landscape PDF, DejaVu Sans embedded by cairo, the same
 * texts and frames as bench/tcpdf-certificate.php, and the QR code from libqrencode.
 * Build: cc -O2 cairo-certificate.c $(pkg-config --cflags --libs cairo libqrencode) -o cairo-certificate
 * Usage: cairo-certificate COUNT OUTDIR  — prints ms per certificate. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const double W = 841.89, H = 595.28;

static void centred(cairo_t *cr, const char *text, double y, double size, int bold, int italic) {
    cairo_select_font_face(cr, "DejaVu Sans", italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    cairo_move_to(cr, (W - e.x_advance) / 2, y);
    cairo_show_text(cr, text);
}

static void left(cairo_t *cr, const char *text, double x, double y, double size, int bold) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, text);
}

int main(int argc, char **argv) {
    int count = argc > 1 ? atoi(argv[1]) : 1000;
    const char *out = argc > 2 ? argv[2] : "/tmp";
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int n = 0; n < count; n++) {
        char serial[64], path[512], line[256], url[256];
        snprintf(serial, sizeof serial, "MCENMA-2026-%06d", n + 1);
        snprintf(path, sizeof path, "%s/cairo-%d.pdf", out, n);
        snprintf(url, sizeof url, "http://127.0.0.1:8080/verify/%s", serial);
        cairo_surface_t *surface = cairo_pdf_surface_create(path, W, H);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, serial);
        cairo_t *cr = cairo_create(surface);
        cairo_set_source_rgb(cr, 20 / 255.0, 83 / 255.0, 45 / 255.0);
        cairo_set_line_width(cr, 5);
        cairo_rectangle(cr, 18, 18, W - 36, H - 36);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 184 / 255.0, 143 / 255.0, 46 / 255.0);
        cairo_set_line_width(cr, 1.2);
        cairo_rectangle(cr, 28, 28, W - 56, H - 56);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        centred(cr, "RÉPUBLIQUE DU MALI", 62, 12, 1, 0);
        centred(cr, "Un Peuple – Un But – Une Foi", 76, 9.5, 0, 1);
        centred(cr, "Ministère de la Communication, de l'Économie numérique et de la Modernisation de", 94, 12, 1, 0);
        centred(cr, "l'Administration", 110, 12, 1, 0);
        centred(cr, "CERTIFICAT DE FORMATION", 160, 30, 1, 0);
        centred(cr, "décerné à", 186, 12, 0, 1);
        centred(cr, "Djénéba N'Diaye", 226, 28, 1, 0);
        centred(cr, "pour avoir suivi avec succès la formation", 252, 12, 0, 1);
        centred(cr, "Séminaire sur la gouvernance électronique", 280, 17, 1, 0);
        centred(cr, "dispensée par Université des études économiques de Moscou, du 6 octobre 2025 au 17 octobre 2025,", 304, 10.5, 0, 0);
        centred(cr, "à Moscou, Russie — 56 heures", 318, 10.5, 0, 0);
        left(cr, "Modules", 70, 378, 10, 1);
        for (int i = 0; i < 7; i++) {
            snprintf(line, sizeof line, "%d. Module %d : cadre réglementaire (8 h)", i + 1, i + 1);
            left(cr, line, 70 + (i / 4) * 300, 399 + (i % 4) * 12.5, 8.5, 0);
        }
        snprintf(line, sizeof line, "N° %s — délivré le 24 novembre 2026", serial);
        left(cr, line, 70, 536, 10, 1);
        left(cr, url, 70, 550, 8, 0);
        QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        if (qr) {
            double size = 102, cell = size / qr->width;
            for (int y = 0; y < qr->width; y++)
                for (int x = 0; x < qr->width; x++)
                    if (qr->data[y * qr->width + x] & 1) cairo_rectangle(cr, 665 + x * cell, 419 + y * cell, cell, cell);
            cairo_fill(cr);
            QRcode_free(qr);
        }
        cairo_show_page(cr);
        cairo_destroy(cr);
        cairo_surface_finish(surface);
        if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
            fprintf(stderr, "cairo: %s\n", cairo_status_to_string(cairo_surface_status(surface)));
            return 1;
        }
        cairo_surface_destroy(surface);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double elapsed = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("cairo: %d certificates in %.2f s, %.2f ms per certificate\n", count, elapsed, 1000 * elapsed / count);
    return 0;
}
